package org.descent.nn.layers;

import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;

/**
 * Max pooling per channel over k×k windows with stride s (no padding):
 * {@code y[c][h][w] = max_{i,j<k} x[c][h·s + i][w·s + j]}. Backward routes each upstream value to
 * the position of its window's maximum (the first one on ties), remembered from forward.
 */
public final class MaxPool2d extends Pool2d {
    private static final long serialVersionUID = 1L;

    public MaxPool2d(int size, int stride) {
        super("maxpool2d", size, stride);
    }

    @Override
    public String type() {
        return "maxpool2d";
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return kernel(in, false);
    }

    /**
     * This pooling after a ReLU, from the ReLU's input: {@code maxpool(relu(x)) = relu(maxpool(x))} (ReLU is
     * monotone), so the kernel pools x and rectifies the pooled values, one pass over the input instead of three
     * (ReLU's read and write, then pooling's read) and a quarter of the values rectified; backward masks ∂L/∂y where
     * the output is zero and routes it to the window's maximum. The same bits as the two layers, outputs and ∂L/∂x
     * alike: a window whose maximum is positive has the same first maximum either way, and one whose maximum is not
     * positive sends +0 everywhere.
     */
    Kernel rectifiedKernel(Shape in) {
        return kernel(in, true);
    }

    private Kernel kernel(Shape in, boolean rectified) {
        Geometry g = geometry(in);
        int inSize = g.inSize();
        int plane = g.outPlane();
        int outSize = g.channels() * plane;
        MaxPool2x2.Windows windows = size == 2 && stride == 2 ? MaxPool2x2.windows(g.height(), g.width()) : null;
        return new Kernel() {
            private int[] argmax = new int[0];

            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                if (argmax.length < n * outSize) {
                    argmax = new int[n * outSize];
                }
                int[] arg = argmax;
                int planes = n * g.channels();
                int h = g.height();
                int w = g.width();
                int oh = g.outH();
                int ow = g.outW();
                if (size == 2 && stride == 2) {
                    float floor = rectified ? MaxPool2x2.RELU_FLOOR : MaxPool2x2.NO_FLOOR;
                    for (int pl = 0; pl < planes; pl++) {
                        MaxPool2x2.forwardPlane(x, pl * h * w, windows, floor, y, pl * oh * ow, arg, pl * oh * ow);
                    }
                    return;
                }
                forwardAnySize(x, y, arg, planes, h, w, oh, ow);
                if (rectified) {
                    // The ReLU after the pooling: it commutes with the max.
                    for (int o = 0; o < n * outSize; o++) {
                        y[o] = Math.max(0f, y[o]);
                    }
                }
            }

            private void forwardAnySize(float[] x, float[] y, int[] arg, int planes, int h, int w, int oh, int ow) {
                int o = 0;
                for (int pl = 0; pl < planes; pl++) {
                    int base = pl * h * w;
                    for (int r = 0; r < oh; r++) {
                        for (int c = 0; c < ow; c++, o++) {
                            int start = base + r * stride * w + c * stride;
                            int best = start;
                            float max = x[start];
                            for (int i = 0; i < size; i++) {
                                int row = start + i * w;
                                for (int j = 0; j < size; j++) {
                                    float v = x[row + j];
                                    boolean greater = v > max;   // selects, not branches: conditional moves
                                    max = greater ? v : max;
                                    best = greater ? row + j : best;
                                }
                            }
                            y[o] = max;
                            arg[o] = best;
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
                if (rectified) {
                    MaxPool2x2.routeRectified(dy, y, argmax, 0, n * outSize, dx);
                    return;
                }
                for (int o = 0; o < n * outSize; o++) {
                    dx[argmax[o]] += dy[o];
                }
            }
        };
    }

}
