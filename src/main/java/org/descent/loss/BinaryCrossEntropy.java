package org.descent.loss;

/**
 * Logistic loss (the optimization deck's cross-entropy surrogate) on logits z with targets t ∈ [0, 1], one per
 * output: {@code L = −t·log σ(z) − (1−t)·log(1−σ(z))}, computed stably as
 * {@code max(z, 0) − z·t + log(1 + e^{−|z|})}; {@code ∂L/∂z = σ(z) − t}. Equals PyTorch's
 * {@code BCEWithLogitsLoss(reduction='sum')}.
 */
public final class BinaryCrossEntropy implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
        return "binary_cross_entropy";
    }

    @Override
    public int labelWidth(int k) {
        return k;
    }

    @Override
    public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
        double total = 0;
        for (int i = 0; i < n * k; i++) {
            double z = out[i];
            double t = labels[i];
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("example " + (i / k) + ": target " + labels[i] + " is not in [0, 1]");
            }
            total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            if (dOut != null) {
                double sigmoid = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
                dOut[i] = (float) (sigmoid - t);
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return name();
    }
}
