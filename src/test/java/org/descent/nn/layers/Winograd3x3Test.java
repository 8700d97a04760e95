package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class Winograd3x3Test {
    /** One offset in front of the weights and the biases, so that the layer must use the offsets it is given. */
    private static final int W = 3;

    /** Forward, ∂L/∂W and ∂L/∂x equal the direct convolution's (summed in double) to float rounding. */
    @Test
    void equalsTheDirectConvolution() {
        check(Shape.of(5, 7, 9), 4, 1, 3, 20);    // odd output: the last row and column of tiles are half outside
        check(Shape.of(3, 6, 6), 2, 0, 2, 1000);  // no padding, one block
        check(Shape.of(2, 5, 4), 3, 2, 3, 20);    // wide padding: a 7 × 6 output, 12 tiles, a block per example
        check(Shape.of(6, 14, 14), 8, 1, 5, 100); // the Fashion-MNIST second layer's plane; blocks of 2, a partial last
        check(Shape.of(3, 12, 13), 2, 0, 3, 70);  // 30 tiles: whole vectors and a scalar tail on 4 to 16 lanes
        check(Shape.of(2, 7, 9), 3, 0, 2, 20);    // no padding, odd output height and width (5 × 7)
    }

    private static void check(Shape in, int out, int pad, int n, int blockTiles) {
        Case k = Case.random(in, pad, out, n, in.size() + pad);
        Geometry g = k.g();
        int c = g.channels();
        int bias = k.bias();
        float[] p = k.p();
        float[] x = k.x();
        int outSize = out * g.outPlane();
        float[] dy = k.dy();
        String where = in + " pad " + pad + " blocks of " + blockTiles + " tiles";

        Winograd3x3 wino = new Winograd3x3(g, out, blockTiles);
        float[] y = new float[n * outSize];
        wino.forward(p, W, bias, n, x, y, true, null);
        float[] grads = new float[p.length];
        java.util.Arrays.fill(grads, 1f);
        float[] dx = new float[n * g.inSize()];
        java.util.Arrays.fill(dx, 7f);
        wino.backward(p, W, grads, n, x, dy, dx, null, null);

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
                        assertEquals(s, y[at], 2e-5 * (1 + Math.abs(s)), where + ": y at " + at);
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
                        assertEquals(s, grads[at], 2e-5 * (1 + Math.abs(s)), where + ": ∂L/∂W at " + at);
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
                        assertEquals(s, dx[at], 2e-5 * (1 + Math.abs(s)), where + ": ∂L/∂x at " + at);
                    }
                }
            }
        }
        assertEquals(1f, grads[0], "nothing added before the weights");
        assertEquals(1f, grads[bias], "the biases are the caller's");
    }

    /** Backward after an evaluation forward transforms the inputs again and gives the bits of backward after training's. */
    @Test
    void backwardWithoutTheKeptInputsGivesTheSameBits() {
        Case k = Case.random(Shape.of(4, 6, 5), 1, 3, 5, 9);
        float[][] runs = new float[2][];
        float[][] dxs = new float[2][];
        for (int keep = 0; keep < 2; keep++) {
            Winograd3x3 wino = new Winograd3x3(k.g(), k.out(), 40);
            wino.forward(k.p(), W, k.bias(), k.n(), k.x(), new float[k.outLength()], keep == 1, null);
            runs[keep] = new float[k.p().length];
            dxs[keep] = new float[k.inLength()];
            wino.backward(k.p(), W, runs[keep], k.n(), k.x(), k.dy(), dxs[keep], null, null);
        }
        assertArrayEquals(runs[1], runs[0]);
        assertArrayEquals(dxs[1], dxs[0]);
    }

    /**
     * Blocks run by another thread's worker ({@link org.descent.nn.WorkShare}) give the bits of the blocks run alone:
     * outputs, ∂L/∂W (∂U added in block order across the threads) and ∂L/∂x, with the inputs kept from forward and
     * transformed again, the last block a short one; repeated until the helper has run some blocks.
     */
    @Test
    void blocksSharedWithAnotherWorkerGiveTheSameBits() throws InterruptedException {
        Case k = Case.random(Shape.of(16, 10, 10), 1, 8, 13, 21);
        org.descent.nn.WorkShare.Member owner = new org.descent.nn.WorkShare.Member();
        org.descent.nn.WorkShare.Member helper = new org.descent.nn.WorkShare.Member();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                helper.help();
                Thread.onSpinWait();
            }
        });
        t.setDaemon(true);
        t.start();
        try {
            for (int round = 0; round < 200 && (round < 2 || helper.helped() == 0); round++) {
                boolean keep = round % 2 == 0;
                double[] aloneSums = new double[k.n() * k.out()];
                double[] sharedSums = new double[k.n() * k.out()];
                float[][] alone = pass(k, keep, null, aloneSums);
                float[][] shared = pass(k, keep, owner, sharedSums);
                for (int o = 0; o < 3; o++) {
                    assertArrayEquals(alone[o], shared[o], "round " + round + (keep ? ", kept" : ", transformed again") + ", output " + o);
                }
                assertArrayEquals(aloneSums, sharedSums, "round " + round + ": the plane sums");
            }
            assertTrue(helper.helped() > 0, "the other worker ran some blocks");
        } finally {
            stop.set(true);
            t.join();
        }
    }

    /** Forward and backward with 50-tile blocks (two examples each): y, the gradients, ∂L/∂x. */
    private static float[][] pass(Case k, boolean keep, org.descent.nn.WorkShare.Member share, double[] planeSums) {
        Winograd3x3 wino = new Winograd3x3(k.g(), k.out(), 50);
        float[] y = new float[k.outLength()];
        wino.forward(k.p(), W, k.bias(), k.n(), k.x(), y, keep, share);
        float[] grads = new float[k.p().length];
        float[] dx = new float[k.inLength()];
        wino.backward(k.p(), W, grads, k.n(), k.x(), k.dy(), dx, share, planeSums);
        return new float[][] {y, grads, dx};
    }

    /**
     * Backward's plane sums (the bias gradient's terms, taken by the blocks) are the bits of RowSums.sums over each
     * example's output-gradient planes, the pass Conv2d made before; the other outputs do not change with them.
     */
    @Test
    void planeSumsFromTheBlocksAreEachExamplesRowSums() {
        Case k = Case.random(Shape.of(16, 10, 10), 1, 8, 5, 8);
        int out = k.out();
        double[] sums = new double[k.n() * out];
        float[][] with = pass(k, true, null, sums);
        float[][] without = pass(k, true, null, null);
        int plane = k.g().outPlane();
        double[] expected = new double[k.n() * out];
        for (int e = 0; e < k.n(); e++) {
            org.descent.tensor.RowSums.sums(k.dy(), e * out * plane, plane, out, plane, false, expected, e * out, org.descent.tensor.RowSums.scratch());
        }
        assertArrayEquals(expected, sums);
        for (int o = 0; o < 3; o++) {
            assertArrayEquals(without[o], with[o], "output " + o);
        }
    }

    /** Without ∂L/∂x (the first trained layer) the weights' gradient is the same, and repeated steps give the same bits. */
    @Test
    void weightGradientAloneAndRepeatedStepsGiveTheSameBits() {
        Case k = Case.random(Shape.of(3, 8, 8), 1, 5, 3, 4);
        Winograd3x3 wino = new Winograd3x3(k.g(), k.out(), 32);
        float[] y1 = new float[k.outLength()];
        float[] withDx = new float[k.p().length];
        wino.forward(k.p(), W, k.bias(), k.n(), k.x(), y1, true, null);
        wino.backward(k.p(), W, withDx, k.n(), k.x(), k.dy(), new float[k.inLength()], null, null);
        float[] y2 = new float[y1.length];
        float[] alone = new float[k.p().length];
        wino.forward(k.p(), W, k.bias(), k.n(), k.x(), y2, true, null);
        wino.backward(k.p(), W, alone, k.n(), k.x(), k.dy(), null, null, null);
        assertArrayEquals(y1, y2);
        assertArrayEquals(withDx, alone);
    }

    @Test
    void appliesToThreeByThreeStrideOneOverEnoughChannels() {
        assertTrue(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(16, 14, 14), 3, 3, 1, 1)));
        assertTrue(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(64, 5, 5), 3, 3, 1, 0)));
        assertFalse(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(1, 28, 28), 3, 3, 1, 1)), "one input channel");
        assertFalse(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(16, 14, 14), 3, 3, 2, 1)), "stride 2");
        assertFalse(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(16, 14, 14), 5, 5, 1, 2)), "5×5");
        assertThrows(IllegalArgumentException.class, () -> new Winograd3x3(Geometry.of("conv2d", Shape.of(2, 6, 6), 3, 3, 2, 1), 2));
        assertTrue(new Conv2d(8, 3, 3, 1, 1).runsWinograd(Shape.of(16, 14, 14)));
        System.setProperty(Winograd3x3.PROPERTY, "false");
        try {
            assertFalse(Winograd3x3.appliesTo(Geometry.of("conv2d", Shape.of(16, 14, 14), 3, 3, 1, 1)), "-D" + Winograd3x3.PROPERTY + "=false");
            assertFalse(new Conv2d(8, 3, 3, 1, 1).runsWinograd(Shape.of(16, 14, 14)));
        } finally {
            System.clearProperty(Winograd3x3.PROPERTY);
        }
    }

    private static double input(Geometry g, float[] x, int e, int c, int h, int w) {
        if (h < 0 || h >= g.height() || w < 0 || w >= g.width()) {
            return 0;
        }
        return x[e * g.inSize() + (c * g.height() + h) * g.width() + w];
    }

    /**
     * A 3×3 stride-1 layer of {@code out} channels over {@code n} examples of shape {@code in}, and its random inputs
     * drawn from {@code seed} in this order: the parameters (weights from {@link #W}, the biases after them), x, ∂L/∂y.
     */
    private record Case(Geometry g, int out, int n, int bias, float[] p, float[] x, float[] dy) {
        static Case random(Shape in, int pad, int out, int n, long seed) {
            Geometry g = Geometry.of("conv2d", in, 3, 3, 1, pad);
            Rng rng = new Rng(seed);
            int bias = W + out * g.channels() * 9;
            float[] p = Winograd3x3Test.random(rng, bias + out);
            float[] x = Winograd3x3Test.random(rng, n * g.inSize());
            float[] dy = Winograd3x3Test.random(rng, n * out * g.outPlane());
            return new Case(g, out, n, bias, p, x, dy);
        }

        int inLength() {
            return n * g.inSize();
        }

        int outLength() {
            return n * out * g.outPlane();
        }
    }

    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextFloat() - 0.5f;
        }
        return a;
    }
}
