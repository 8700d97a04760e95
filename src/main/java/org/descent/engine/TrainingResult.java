package org.descent.engine;

import java.util.List;

/** Trained parameters and buffers with the per-epoch metrics and the number of steps taken. */
public record TrainingResult(float[] params, float[] buffers, List<EpochMetrics> history, long steps) {
}
