package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/**
 * Max pooling per channel over k×k windows with stride s (no padding):
 * {@code y[c][h][w] = max_{i,j<k} x[c][h·s + i][w·s + j]}. Backward routes each upstream value to
 * the position of its window's maximum (the first one on ties), remembered from forward.
 */
public final class MaxPool2d implements Layer {
    private static final long serialVersionUID = 1L;
    private final int size;
    private final int stride;

    public MaxPool2d(int size, int stride) {
        if (size <= 0 || stride <= 0) {
            throw new IllegalArgumentException("maxpool2d needs a positive window and stride, got " + size + " and " + stride);
        }
        this.size = size;
        this.stride = stride;
    }

    @Override
    public String type() {
        return "maxpool2d";
    }

    @Override
    public Shape outputShape(Shape in) {
        Geometry g = Geometry.of(type(), in, size, size, stride, 0);
        return Shape.of(g.channels(), g.outH(), g.outW());
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        Geometry g = Geometry.of(type(), in, size, size, stride, 0);
        int inSize = g.inSize();
        int plane = g.outPlane();
        int outSize = g.channels() * plane;
        return new Kernel() {
            private int[] argmax = new int[0];

            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                if (argmax.length < n * outSize) {
                    argmax = new int[n * outSize];
                }
                int o = 0;
                for (int e = 0; e < n; e++) {
                    for (int c = 0; c < g.channels(); c++) {
                        int base = e * inSize + c * g.height() * g.width();
                        for (int oh = 0; oh < g.outH(); oh++) {
                            for (int ow = 0; ow < g.outW(); ow++, o++) {
                                int best = base + oh * stride * g.width() + ow * stride;
                                float max = x[best];
                                for (int i = 0; i < size; i++) {
                                    int row = base + (oh * stride + i) * g.width() + ow * stride;
                                    for (int j = 0; j < size; j++) {
                                        if (x[row + j] > max) {
                                            max = x[row + j];
                                            best = row + j;
                                        }
                                    }
                                }
                                y[o] = max;
                                argmax[o] = best;
                            }
                        }
                    }
                }
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx == null) {
                    return;
                }
                java.util.Arrays.fill(dx, 0, n * inSize, 0f);
                for (int o = 0; o < n * outSize; o++) {
                    dx[argmax[o]] += dy[o];
                }
            }
        };
    }

    @Override
    public String toString() {
        return "maxpool2d(" + size + ", stride " + stride + ")";
    }
}
