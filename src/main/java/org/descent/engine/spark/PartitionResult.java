package org.descent.engine.spark;

import java.io.Serializable;

/**
 * What one partition sends back for one step: its gradient sum, loss sum, example count and
 * batch-norm statistics, and how long the task spent fetching the broadcast parameters, computing, and
 * (inside the computation) waiting for synchronized batch norm's exchanges with the other partitions.
 */
public record PartitionResult(int partition, float[] gradSum, double lossSum, long count, double[] stats, long fetchNanos, long computeNanos,
                              long syncNanos) implements Serializable {
    public PartitionResult(int partition, float[] gradSum, double lossSum, long count, double[] stats, long fetchNanos, long computeNanos) {
        this(partition, gradSum, lossSum, count, stats, fetchNanos, computeNanos, 0);
    }
}
