package org.descent.loss;

/**
 * Squared error against target vectors: {@code L = Σ_j (y_j − t_j)²} (no ½), {@code ∂L/∂y = 2(y − t)}.
 * Equals PyTorch's {@code MSELoss(reduction='sum')}; the autoencoder's reconstruction error.
 */
public final class SquaredError implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
        return "squared_error";
    }

    @Override
    public int labelWidth(int k) {
        return k;
    }

    @Override
    public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
        double total = 0;
        for (int i = 0; i < n * k; i++) {
            float d = out[i] - labels[i];
            total += (double) d * d;
            if (dOut != null) {
                dOut[i] = 2 * d;
            }
        }
        return total;
    }

    @Override
    public boolean scoresAccuracy() {
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
