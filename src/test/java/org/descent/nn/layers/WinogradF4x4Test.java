package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class WinogradF4x4Test {
    private static final int W = DirectConvolutionCheck.W;

    /**
     * Forward, ∂L/∂W and ∂L/∂x equal the direct convolution's (summed in double) to float rounding; F(4×4, 3×3)'s
     * rounding is larger than F(2×2)'s (G's sixths, transforms that multiply by up to 8 and 25), hence the wider bound.
     */
    @Test
    void equalsTheDirectConvolution() {
        DirectConvolutionCheck.Factory f4 = WinogradF4x4::new;
        DirectConvolutionCheck.check(Shape.of(5, 7, 9), 4, 1, 3, 10, f4, 1e-4);    // 7×9: the last tiles stick out by 1 and 3
        DirectConvolutionCheck.check(Shape.of(3, 10, 10), 2, 0, 2, 1000, f4, 1e-4); // no padding, 8×8 in four whole tiles, one block
        DirectConvolutionCheck.check(Shape.of(2, 5, 4), 3, 2, 3, 5, f4, 1e-4);      // wide padding: a 7×6 output, a block per example
        DirectConvolutionCheck.check(Shape.of(6, 14, 14), 8, 1, 5, 48, f4, 1e-4);   // the Fashion-MNIST second layer's plane; blocks of 3, a partial last
        DirectConvolutionCheck.check(Shape.of(3, 28, 27), 2, 1, 2, 60, f4, 1e-4);   // 49 tiles: whole vectors and a scalar tail on 4 to 16 lanes
        DirectConvolutionCheck.check(Shape.of(16, 8, 8), 2, 1, 2, 48, f4, 1e-4);    // Conv2dTest's gradient check, 16 channels
    }

    /** Backward after an evaluation forward transforms the inputs again and gives the bits of backward after training's. */
    @Test
    void backwardWithoutTheKeptInputsGivesTheSameBits() {
        Geometry g = Geometry.of("conv2d", Shape.of(4, 9, 7), 3, 3, 1, 1);
        Rng rng = new Rng(9);
        int out = 3;
        int n = 5;
        int bias = W + out * 4 * 9;
        float[] p = DirectConvolutionCheck.random(rng, bias + out);
        float[] x = DirectConvolutionCheck.random(rng, n * g.inSize());
        float[] dy = DirectConvolutionCheck.random(rng, n * out * g.outPlane());
        float[][] grads = new float[2][];
        float[][] dxs = new float[2][];
        for (int keep = 0; keep < 2; keep++) {
            WinogradF4x4 wino = new WinogradF4x4(g, out, 12);
            float[] y = new float[n * out * g.outPlane()];
            wino.forward(p, W, bias, n, x, y, keep == 1);
            grads[keep] = new float[p.length];
            dxs[keep] = new float[n * g.inSize()];
            wino.backward(p, W, grads[keep], n, x, dy, dxs[keep]);
        }
        assertArrayEquals(grads[1], grads[0]);
        assertArrayEquals(dxs[1], dxs[0]);
    }

    /**
     * Without ∂L/∂x the weights' gradient is the same; a second step gives the first's bits, so backward left nothing
     * behind (the bordered plane it accumulates ∂L/∂x on is the one forward reads its patches from).
     */
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
        WinogradF4x4 wino = new WinogradF4x4(g, out, 8);
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

    @Test
    void refusesOtherKernels() {
        assertThrows(IllegalArgumentException.class, () -> new WinogradF4x4(Geometry.of("conv2d", Shape.of(2, 6, 6), 3, 3, 2, 1), 2));
        assertThrows(IllegalArgumentException.class, () -> new WinogradF4x4(Geometry.of("conv2d", Shape.of(2, 6, 6), 5, 5, 1, 2), 2));
    }
}
