package org.descent.engine.spark;

import java.io.Serializable;

/**
 * What one partition sends back for one step: its gradient sum, loss sum, example count and
 * batch-norm statistics, and how long the task spent fetching the broadcast parameters and computing.
 */
public record PartitionResult(int partition, float[] gradSum, double lossSum, long count, double[] stats, long fetchNanos, long computeNanos)
        implements Serializable {
}
