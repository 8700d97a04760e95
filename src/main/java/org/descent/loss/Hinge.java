package org.descent.loss;

/**
 * Hinge loss, the optimization deck's {@code max(0, 1 − y f(x))}. With one output, labels 0/1 (or −1/+1) give
 * y = ∓1 and {@code L = max(0, 1 − y f)}. With k &gt; 1 outputs and a class-index label y, the
 * multi-class form of PyTorch's {@code MultiMarginLoss(margin=1)}:
 * {@code L = (1/k) Σ_{j≠y} max(0, 1 − f_y + f_j)}.
 */
public final class Hinge implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
        return "hinge";
    }

    @Override
    public int labelWidth(int k) {
        return 1;
    }

    @Override
    public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
        double total = 0;
        if (k == 1) {
            for (int i = 0; i < n; i++) {
                float label = labels[i];
                if (label != 0 && label != 1 && label != -1) {
                    throw new IllegalArgumentException("example " + i + ": label " + label + " is not 0, 1 or -1");
                }
                float y = label == 1 ? 1f : -1f;
                double margin = 1 - y * out[i];
                total += Math.max(0, margin);
                if (dOut != null) {
                    dOut[i] = margin > 0 ? -y : 0f;
                }
            }
            return total;
        }
        float inv = 1f / k;
        for (int i = 0; i < n; i++) {
            int y = ClassLabels.index(labels[i], k, i);
            int o = i * k;
            float fy = out[o + y];
            if (dOut != null) {
                dOut[o + y] = 0f;
            }
            for (int j = 0; j < k; j++) {
                if (j == y) {
                    continue;
                }
                float margin = 1 - fy + out[o + j];
                if (margin > 0) {
                    total += margin * inv;
                }
                if (dOut != null) {
                    float g = margin > 0 ? inv : 0f;
                    dOut[o + j] = g;
                    dOut[o + y] -= g;
                }
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return name();
    }
}
