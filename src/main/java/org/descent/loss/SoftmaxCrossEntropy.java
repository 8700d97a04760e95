package org.descent.loss;

/**
 * Softmax cross-entropy on logits z with class-index labels y:
 * {@code L = −log softmax(z)_y = logΣ_j e^{z_j} − z_y}, computed with the max subtracted so large
 * logits cannot overflow. Gradient {@code ∂L/∂z_j = softmax(z)_j − [j = y]}. Equals PyTorch's
 * {@code CrossEntropyLoss(reduction='sum')}.
 *
 * <p>Per step ({@link #perStep(int)}): on a sequence output {@code [T, K]} each example has T labels, one class per
 * step, and its loss is the sum over its labelled steps; a label of {@link #NO_TARGET} marks a step without a target,
 * which adds nothing and gets a zero gradient (PyTorch's {@code ignore_index}). Used for the memorization problems,
 * whose targets are the recalled symbols only.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private static final long serialVersionUID = 2L;
    /** The label of a step without a target (per-step form). */
    public static final float NO_TARGET = -1f;
    /** Labels per example: 1, or T for a sequence output. */
    private final int steps;

    public SoftmaxCrossEntropy() {
        this(1);
    }

    private SoftmaxCrossEntropy(int steps) {
        this.steps = Math.max(1, steps);
    }

    /** The per-step form for a sequence output of {@code steps} steps. */
    public static SoftmaxCrossEntropy perStep(int steps) {
        return new SoftmaxCrossEntropy(steps);
    }

    @Override
    public String name() {
        return "softmax_cross_entropy";
    }

    @Override
    public int labelWidth(int k) {
        return steps;
    }

    @Override
    public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
        if (steps > 1) {
            // [n·T] rows of K logits, one label each.
            int classes = k / steps;
            if (dOut != null) {
                java.util.Arrays.fill(dOut, 0, n * k, 0f);
            }
            double total = 0;
            for (int i = 0; i < n * steps; i++) {
                if (labels[i] != NO_TARGET) {
                    total += row(out, labels[i], i * classes, classes, i / steps, dOut);
                }
            }
            return total;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += row(out, labels[i], i * k, k, i, dOut);
        }
        return total;
    }

    /** One row's loss (and its gradient into {@code dOut} when non-null). */
    private static double row(float[] out, float label, int o, int k, int example, float[] dOut) {
        int y = ClassLabels.index(label, k, example);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, out[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(out[o + j] - max);
        }
        double logSum = Math.log(sum);
        if (dOut != null) {
            for (int j = 0; j < k; j++) {
                dOut[o + j] = (float) Math.exp(out[o + j] - max - logSum);
            }
            dOut[o + y] -= 1f;
        }
        return logSum - (out[o + y] - max);
    }

    @Override
    public boolean scoresAccuracy() {
        return steps == 1;
    }

    @Override
    public String toString() {
        return steps > 1 ? name() + " per step over " + steps + " steps" : name();
    }
}
