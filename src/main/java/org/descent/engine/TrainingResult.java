package org.descent.engine;

import java.util.List;

/**
 * Trained parameters and buffers (the best epoch's when early stopping is on) with the per-epoch
 * metrics, the number of steps taken, the examples they processed in this run, the best epoch (−1
 * without early stopping) and whether training stopped early.
 */
public record TrainingResult(float[] params, float[] buffers, List<EpochMetrics> history, long steps, long examples, int bestEpoch,
                             boolean stoppedEarly) {
    /** A result without early stopping. */
    public TrainingResult(float[] params, float[] buffers, List<EpochMetrics> history, long steps, long examples) {
        this(params, buffers, history, steps, examples, -1, false);
    }

}
