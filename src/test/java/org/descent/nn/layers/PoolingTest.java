package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** MaxPool2d and AvgPool2d. */
class PoolingTest {
    private static final float[] X = {
        1, 2, 0, 1,
        3, 4, 1, 9,
        0, 0, 5, 6,
        -1, 7, 8, 2,
    };

    @Test
    void maxPoolPicksWindowMaximaAndRoutesGradientsToThem() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        Sequential m = new Sequential(Shape.of(1, 4, 4), List.of(pool));
        StepContext ctx = new StepContext(new float[0], new float[0], new float[0], new double[0]);
        Kernel k = pool.kernel(Shape.of(1, 4, 4), m.slot(0));
        float[] y = new float[4];
        k.forward(ctx, 1, X, y);
        assertArrayEquals(new float[] {4, 9, 7, 8}, y);
        float[] dx = new float[16];
        k.backward(ctx, 1, X, y, new float[] {1, 2, 3, 4}, dx);
        float[] expected = new float[16];
        expected[5] = 1;
        expected[7] = 2;
        expected[13] = 3;
        expected[14] = 4;
        assertArrayEquals(expected, dx);
    }

    @Test
    void avgPoolAveragesOverlappingWindows() {
        AvgPool2d pool = new AvgPool2d(2, 1);
        Sequential m = new Sequential(Shape.of(1, 4, 4), List.of(pool));
        assertEquals(Shape.of(1, 3, 3), m.outputShape());
        float[] y = m.newNetwork().forward(new StepContext(new float[0], null, new float[0], new double[0]), X, 1);
        assertEquals((1 + 2 + 3 + 4) / 4f, y[0]);
        assertEquals((5 + 6 + 8 + 2) / 4f, y[8]);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        float[] x = new float[2 * 2 * 5 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i * i + i);   // distinct values: no ties inside a window
        }
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new MaxPool2d(2, 2), Shape.of(2, 5, 5), 2).input(x).step(1e-3).run(mode);
            GradientCheck.of(new MaxPool2d(3, 1), Shape.of(2, 5, 5), 2).input(x).step(1e-3).run(mode);
            GradientCheck.of(new AvgPool2d(2, 2), Shape.of(2, 5, 5), 2).run(mode);
            GradientCheck.of(new AvgPool2d(3, 2), Shape.of(2, 5, 5), 2).run(mode);
        }
        assertEquals(Shape.of(2, 2, 2), new Sequential(Shape.of(2, 5, 5), List.of(new MaxPool2d(2, 2))).outputShape());
    }

    /**
     * Max pooling after a ReLU, fused (pool, then rectify the pooled values), gives the bits of the two layers, output
     * and ∂L/∂x, for the 2×2 and the generic window, with negative, zero (±0) and tied window maxima.
     */
    @Test
    void fusedReluMaxPoolGivesTheBitsOfTheTwoLayers() {
        org.descent.tensor.Rng rng = new org.descent.tensor.Rng(5);
        Shape in = Shape.of(3, 6, 6);
        int n = 4;
        float[] x = new float[n * in.size()];
        for (int i = 0; i < x.length; i++) {
            float r = rng.nextFloat();
            x[i] = r < 0.15f ? 0f : r < 0.25f ? -0f : r < 0.35f ? 0.5f : (rng.nextFloat() - 0.6f) * 4;
        }
        for (MaxPool2d pool : List.of(new MaxPool2d(2, 2), new MaxPool2d(3, 1))) {
            int outSize = pool.outputShape(in).size();
            float[] dy = new float[n * outSize];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = i % 5 == 0 ? -0f : rng.nextFloat() - 0.5f;
            }
            StepContext ctx = new StepContext();
            ctx.mode = Mode.TRAIN;
            Kernel relu = new ReLU().kernel(in, null);
            Kernel separate = pool.kernel(in, null);
            float[] rectified = new float[x.length];
            float[] y = new float[dy.length];
            relu.forward(ctx, n, x, rectified);
            separate.forward(ctx, n, rectified, y);
            float[] dRectified = new float[x.length];
            float[] dx = new float[x.length];
            separate.backward(ctx, n, rectified, y, dy.clone(), dRectified);
            relu.backward(ctx, n, x, rectified, dRectified, dx);

            Kernel fused = new ReLU().kernelThrough(List.of(pool), in, null);
            float[] fusedY = new float[dy.length];
            float[] fusedDx = new float[x.length];
            fused.forward(ctx, n, x, fusedY);
            fused.backward(ctx, n, x, fusedY, dy.clone(), fusedDx);
            assertBits(y, fusedY, pool + " output");
            assertBits(dx, fusedDx, pool + " ∂L/∂x");
        }
        org.junit.jupiter.api.Assertions.assertNull(new Tanh().kernelThrough(List.of(new MaxPool2d(2, 2)), in, null));
        org.junit.jupiter.api.Assertions.assertNull(new ReLU().kernelThrough(List.of(new AvgPool2d(2, 2)), in, null));
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + " at " + i);
        }
    }
}
