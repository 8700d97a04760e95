package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class Winograd3x3Test {
    private static final int W = DirectConvolutionCheck.W;

    /** Forward, ∂L/∂W and ∂L/∂x equal the direct convolution's (summed in double) to float rounding. */
    @Test
    void equalsTheDirectConvolution() {
        DirectConvolutionCheck.Factory f2 = Winograd3x3::new;
        DirectConvolutionCheck.check(Shape.of(5, 7, 9), 4, 1, 3, 20, f2, 2e-5);    // odd output: the last row and column of tiles are half outside
        DirectConvolutionCheck.check(Shape.of(3, 6, 6), 2, 0, 2, 1000, f2, 2e-5);  // no padding, one block
        DirectConvolutionCheck.check(Shape.of(2, 5, 4), 3, 2, 3, 20, f2, 2e-5);    // wide padding: a 7 × 6 output, 12 tiles, a block per example
        DirectConvolutionCheck.check(Shape.of(6, 14, 14), 8, 1, 5, 100, f2, 2e-5); // the Fashion-MNIST second layer's plane; blocks of 2, a partial last
        DirectConvolutionCheck.check(Shape.of(3, 12, 13), 2, 0, 3, 70, f2, 2e-5);  // 30 tiles: whole vectors and a scalar tail on 4 to 16 lanes
    }

    /** Backward after an evaluation forward transforms the inputs again and gives the bits of backward after training's. */
    @Test
    void backwardWithoutTheKeptInputsGivesTheSameBits() {
        Geometry g = Geometry.of("conv2d", Shape.of(4, 6, 5), 3, 3, 1, 1);
        Rng rng = new Rng(9);
        int out = 3;
        int n = 5;
        int bias = W + out * 4 * 9;
        float[] p = DirectConvolutionCheck.random(rng, bias + out);
        float[] x = DirectConvolutionCheck.random(rng, n * g.inSize());
        float[] dy = DirectConvolutionCheck.random(rng, n * out * g.outPlane());
        float[][] runs = new float[2][];
        float[][] dxs = new float[2][];
        for (int keep = 0; keep < 2; keep++) {
            Winograd3x3 wino = new Winograd3x3(g, out, 40);
            float[] y = new float[n * out * g.outPlane()];
            wino.forward(p, W, bias, n, x, y, keep == 1);
            runs[keep] = new float[p.length];
            dxs[keep] = new float[n * g.inSize()];
            wino.backward(p, W, runs[keep], n, x, dy, dxs[keep]);
        }
        assertArrayEquals(runs[1], runs[0]);
        assertArrayEquals(dxs[1], dxs[0]);
    }

    /** Without ∂L/∂x (the first trained layer) the weights' gradient is the same, and repeated steps give the same bits. */
    @Test
    void weightGradientAloneAndRepeatedStepsGiveTheSameBits() {
        Geometry g = Geometry.of("conv2d", Shape.of(3, 8, 8), 3, 3, 1, 1);
        Rng rng = new Rng(4);
        int out = 5;
        int n = 3;
        int bias = W + out * 3 * 9;
        float[] p = DirectConvolutionCheck.random(rng, bias + out);
        float[] x = DirectConvolutionCheck.random(rng, n * g.inSize());
        float[] dy = DirectConvolutionCheck.random(rng, n * out * g.outPlane());
        Winograd3x3 wino = new Winograd3x3(g, out, 32);
        float[] y1 = new float[n * out * g.outPlane()];
        float[] withDx = new float[p.length];
        wino.forward(p, W, bias, n, x, y1, true);
        wino.backward(p, W, withDx, n, x, dy, new float[n * g.inSize()]);
        float[] y2 = new float[y1.length];
        float[] alone = new float[p.length];
        wino.forward(p, W, bias, n, x, y2, true);
        wino.backward(p, W, alone, n, x, dy, null);
        assertArrayEquals(y1, y2);
        assertArrayEquals(withDx, alone);
    }
}
