package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/**
 * Row-wise softmax over each example's values: {@code y_j = e^{x_j − max x} / Σ_k e^{x_k − max x}};
 * backward {@code ∂L/∂x = y ⊙ (∂L/∂y − ⟨∂L/∂y, y⟩)}. For classification prefer a linear output with
 * {@code SoftmaxCrossEntropy}, which fuses the two stably.
 */
public final class Softmax implements Layer {
    private static final long serialVersionUID = 1L;

    @Override
    public String type() {
        return "softmax";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        int k = in.size();
        return new Kernel() {
            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                for (int i = 0; i < n; i++) {
                    int o = i * k;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, x[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        float e = (float) Math.exp(x[o + j] - max);
                        y[o + j] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < k; j++) {
                        y[o + j] *= inv;
                    }
                }
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx == null) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    int o = i * k;
                    double dot = 0;
                    for (int j = 0; j < k; j++) {
                        dot += dy[o + j] * y[o + j];
                    }
                    for (int j = 0; j < k; j++) {
                        dx[o + j] = y[o + j] * (float) (dy[o + j] - dot);
                    }
                }
            }
        };
    }

    @Override
    public String toString() {
        return type();
    }
}
