package org.descent.engine;

import java.util.List;

/** Trained parameters and buffers with the per-epoch metrics, the number of steps taken and the examples they processed in this run. */
public record TrainingResult(float[] params, float[] buffers, List<EpochMetrics> history, long steps, long examples) {
}
