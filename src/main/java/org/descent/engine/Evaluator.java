package org.descent.engine;

import org.descent.data.Dataset;
import org.descent.loss.Accuracy;
import org.descent.loss.Loss;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.StepContext;

/** Loss and accuracy of a model in evaluation mode (running batch-norm statistics, no dropout). */
public final class Evaluator {
    private final Network network;
    private final Loss loss;
    private final int batchSize;
    private float[] x = new float[0];
    private float[] y = new float[0];

    public Evaluator(Network network, Loss loss, int batchSize) {
        this.network = network;
        this.loss = loss;
        this.batchSize = batchSize;
    }

    public EvalResult evaluate(float[] params, float[] buffers, Dataset data) {
        StepContext ctx = new StepContext(params, null, buffers, null);
        ctx.mode = Mode.EVAL;
        int d = data.featureSize();
        int lw = data.labelWidth();
        int k = network.model().outputShape().size();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int n = Math.min(batchSize, data.size() - from);
            if (x.length < n * d) {
                x = new float[n * d];
                y = new float[n * lw];
            }
            System.arraycopy(data.features(), from * d, x, 0, n * d);
            System.arraycopy(data.labels(), from * lw, y, 0, n * lw);
            float[] out = network.forward(ctx, x, n);
            lossSum += loss.evaluate(out, y, n, k, null);
            if (lw == 1 && loss.scoresAccuracy()) {
                correct += Accuracy.count(out, y, n, k);
            }
        }
        int m = Math.max(1, data.size());
        // Accuracy is a class-label measure; with target values (regression, an autoencoder's inputs, per-step labels) there is none.
        return new EvalResult(lossSum / m, lw > 1 || !loss.scoresAccuracy() ? Double.NaN : (double) correct / m, data.size());
    }
}
