package org.descent.loss;

/**
 * Softmax cross-entropy on logits z with class-index labels y:
 * {@code L = −log softmax(z)_y = logΣ_j e^{z_j} − z_y}, computed with the max subtracted so large
 * logits cannot overflow. Gradient {@code ∂L/∂z_j = softmax(z)_j − [j = y]}. Equals PyTorch's
 * {@code CrossEntropyLoss(reduction='sum')}.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
        return "softmax_cross_entropy";
    }

    @Override
    public int labelWidth(int k) {
        return 1;
    }

    @Override
    public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            int y = ClassLabels.index(labels[i], k, i);
            int o = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, out[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(out[o + j] - max);
            }
            double logSum = Math.log(sum);
            total += logSum - (out[o + y] - max);
            if (dOut != null) {
                for (int j = 0; j < k; j++) {
                    dOut[o + j] = (float) Math.exp(out[o + j] - max - logSum);
                }
                dOut[o + y] -= 1f;
            }
        }
        return total;
    }

    @Override
    public String toString() {
        return name();
    }
}
