package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/**
 * Average pooling per channel over k×k windows with stride s (no padding):
 * {@code y[c][h][w] = (1/k²) Σ_{i,j<k} x[c][h·s + i][w·s + j]}; backward spreads each upstream value
 * evenly over its window.
 */
public final class AvgPool2d extends Pool2d {
    private static final long serialVersionUID = 1L;

    public AvgPool2d(int size, int stride) {
        super("avgpool2d", size, stride);
    }

    @Override
    public String type() {
        return "avgpool2d";
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        Geometry g = geometry(in);
        int inSize = g.inSize();
        float inv = 1f / (size * size);
        return new Kernel() {
            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                int o = 0;
                for (int e = 0; e < n; e++) {
                    for (int c = 0; c < g.channels(); c++) {
                        int base = e * inSize + c * g.height() * g.width();
                        for (int oh = 0; oh < g.outH(); oh++) {
                            for (int ow = 0; ow < g.outW(); ow++, o++) {
                                float s = 0f;
                                for (int i = 0; i < size; i++) {
                                    int row = base + (oh * stride + i) * g.width() + ow * stride;
                                    for (int j = 0; j < size; j++) {
                                        s += x[row + j];
                                    }
                                }
                                y[o] = s * inv;
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
                int o = 0;
                for (int e = 0; e < n; e++) {
                    for (int c = 0; c < g.channels(); c++) {
                        int base = e * inSize + c * g.height() * g.width();
                        for (int oh = 0; oh < g.outH(); oh++) {
                            for (int ow = 0; ow < g.outW(); ow++, o++) {
                                float share = dy[o] * inv;
                                for (int i = 0; i < size; i++) {
                                    int row = base + (oh * stride + i) * g.width() + ow * stride;
                                    for (int j = 0; j < size; j++) {
                                        dx[row + j] += share;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
    }

}
