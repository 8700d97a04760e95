package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/** The direct convolution, summed in double, as the reference for {@link WinogradConvolution}'s filterings in their tests. */
final class DirectConvolutionCheck {
    /** One offset in front of the weights and the biases, so that the layer must use the offsets it is given. */
    static final int W = 3;

    /** Builds the filtering under test for a geometry, its output channels and tiles per block. */
    interface Factory {
        WinogradConvolution build(Geometry g, int outChannels, int blockTiles);
    }

    private DirectConvolutionCheck() {
    }

    /**
     * Runs forward and backward of the filtering {@code make} builds for a 3×3 convolution of {@code out} channels over
     * {@code in} (padding {@code pad}, {@code n} examples, blocks of {@code blockTiles} tiles) and checks y, ∂L/∂W and
     * ∂L/∂x against the direct sums in double, to {@code tolerance·(1 + |value|)}.
     */
    static void check(Shape in, int out, int pad, int n, int blockTiles, Factory make, double tolerance) {
        Geometry g = Geometry.of("conv2d", in, 3, 3, 1, pad);
        Rng rng = new Rng(in.size() + pad);
        int c = g.channels();
        int bias = W + out * c * 9;
        float[] p = random(rng, bias + out);
        float[] x = random(rng, n * g.inSize());
        int outSize = out * g.outPlane();
        float[] dy = random(rng, n * outSize);
        String where = in + " pad " + pad + " blocks of " + blockTiles + " tiles";

        WinogradConvolution wino = make.build(g, out, blockTiles);
        float[] y = new float[n * outSize];
        wino.forward(p, W, bias, n, x, y, true);
        float[] grads = new float[p.length];
        java.util.Arrays.fill(grads, 1f);
        float[] dx = new float[n * g.inSize()];
        java.util.Arrays.fill(dx, 7f);
        wino.backward(p, W, grads, n, x, dy, dx);

        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < g.outH(); i++) {
                    for (int j = 0; j < g.outW(); j++) {
                        double s = p[bias + o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    s += p[W + ((o * c + ch) * 3 + ky) * 3 + kx] * input(g, x, e, ch, i + ky - pad, j + kx - pad);
                                }
                            }
                        }
                        int at = e * outSize + (o * g.outH() + i) * g.outW() + j;
                        assertEquals(s, y[at], tolerance * (1 + Math.abs(s)), where + ": y at " + at);
                    }
                }
            }
        }
        for (int o = 0; o < out; o++) {
            for (int ch = 0; ch < c; ch++) {
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        double s = 1;
                        for (int e = 0; e < n; e++) {
                            for (int i = 0; i < g.outH(); i++) {
                                for (int j = 0; j < g.outW(); j++) {
                                    s += dy[e * outSize + (o * g.outH() + i) * g.outW() + j] * input(g, x, e, ch, i + ky - pad, j + kx - pad);
                                }
                            }
                        }
                        int at = W + ((o * c + ch) * 3 + ky) * 3 + kx;
                        assertEquals(s, grads[at], tolerance * (1 + Math.abs(s)), where + ": ∂L/∂W at " + at);
                    }
                }
            }
        }
        for (int e = 0; e < n; e++) {
            for (int ch = 0; ch < c; ch++) {
                for (int h = 0; h < g.height(); h++) {
                    for (int w = 0; w < g.width(); w++) {
                        double s = 0;
                        for (int o = 0; o < out; o++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int i = h - ky + pad;
                                    int j = w - kx + pad;
                                    if (i >= 0 && i < g.outH() && j >= 0 && j < g.outW()) {
                                        s += dy[e * outSize + (o * g.outH() + i) * g.outW() + j] * p[W + ((o * c + ch) * 3 + ky) * 3 + kx];
                                    }
                                }
                            }
                        }
                        int at = e * g.inSize() + (ch * g.height() + h) * g.width() + w;
                        assertEquals(s, dx[at], tolerance * (1 + Math.abs(s)), where + ": ∂L/∂x at " + at);
                    }
                }
            }
        }
        assertEquals(1f, grads[0], "nothing added before the weights");
        assertEquals(1f, grads[bias], "the biases are the caller's");
    }

    private static double input(Geometry g, float[] x, int e, int c, int h, int w) {
        if (h < 0 || h >= g.height() || w < 0 || w >= g.width()) {
            return 0;
        }
        return x[e * g.inSize() + (c * g.height() + h) * g.width() + w];
    }

    static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextFloat() - 0.5f;
        }
        return a;
    }
}
