package org.descent.bench;

import java.util.Arrays;
import java.util.Map;
import org.descent.engine.ParameterUpdater;
import org.descent.nn.ParamLayout;
import org.descent.optim.Optimizers;
import org.descent.tensor.Rng;

/**
 * Time of the driver's half of a step for a model's parameters: the mean gradient and its norm
 * ({@link ParameterUpdater#prepare}), then the optimizer's update added to the parameters
 * ({@link ParameterUpdater#applyPrepared}), on a fixed random gradient sum; on one thread, or on two as the driver
 * takes them for a large model.
 */
public final class UpdaterTimes {
    private UpdaterTimes() {
    }

    /** Median milliseconds per step of the preparation ({@code [0]}) and of the update ({@code [1]}). */
    public static double[] measure(String optimizer, ParamLayout layout, int steps, int warmup, boolean twoThreads) {
        ParameterUpdater updater = new ParameterUpdater(Optimizers.create(optimizer, Map.of("learningRate", 1e-3)), layout, twoThreads);
        Rng rng = new Rng(5);
        float[] params = new float[layout.size()];
        float[] gradSum = new float[layout.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = rng.nextFloat() - 0.5f;
            gradSum[i] = (rng.nextFloat() - 0.5f) * 128;
        }
        long[][] nanos = new long[2][steps];
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            updater.prepare(gradSum, 128);
            long t1 = System.nanoTime();
            updater.applyPrepared(params, s + warmup + 1L);
            long t2 = System.nanoTime();
            if (s >= 0) {
                nanos[0][s] = t1 - t0;
                nanos[1][s] = t2 - t1;
            }
        }
        double[] ms = new double[2];
        for (int k = 0; k < 2; k++) {
            Arrays.sort(nanos[k]);
            ms[k] = nanos[k][steps / 2] / 1e6;
        }
        return ms;
    }
}
