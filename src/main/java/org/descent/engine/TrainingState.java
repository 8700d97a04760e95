package org.descent.engine;

import java.io.Serializable;
import java.util.List;
import org.descent.optim.OptState;

/**
 * Everything a run needs to continue exactly where it stopped: parameters, batch-norm buffers, the
 * optimizer's full state (every moment), the position in the batch plan (epoch, step within the
 * epoch, global step), the partial epoch's loss sum and example count, the metrics so far, and
 * early stopping's state with the best parameters and buffers (null without early stopping). The
 * batch plan and every random choice derive from (seed, epoch, step, partition), so resuming from
 * this state equals an uninterrupted run bit for bit.
 */
public record TrainingState(float[] params, float[] buffers, OptState optimizer, int epoch, long stepInEpoch, long step,
                            double epochLossSum, long epochSeen, List<EpochMetrics> history,
                            EarlyStopping.State earlyStopping, float[] bestParams, float[] bestBuffers) implements Serializable {
    private static final long serialVersionUID = 1L;

    public TrainingState {
        history = List.copyOf(history);
    }
}
