package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class DenseTest {
    @Test
    void forwardAndBackwardMatchAHandComputedCase() {
        Sequential m = new Sequential(Shape.of(3), List.of(new Dense(2)));
        // W = [[1,2,3],[4,5,6]], b = [0.5, -1]
        float[] p = {1, 2, 3, 4, 5, 6, 0.5f, -1};
        float[] x = {1, 0, -1, 2, 1, 0};
        StepContext ctx = new StepContext(p, new float[8], new float[0], new double[0]);
        float[] y = m.newNetwork().forward(ctx, x, 2);
        assertArrayEquals(new float[] {-1.5f, -3f, 4.5f, 12f}, java.util.Arrays.copyOf(y, 4));
        float[] dy = {1, 0, 0, 1};
        float[] dx = new float[6];
        new Dense(2).kernel(Shape.of(3), m.slot(0)).backward(ctx, 2, x, y, dy, dx);
        // dW = dyᵀ x = [[1,0,-1],[2,1,0]], db = [1,1], dx = dy W = [[1,2,3],[4,5,6]]
        assertArrayEquals(new float[] {1, 0, -1, 2, 1, 0, 1, 1}, ctx.grads);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, dx);
    }

    /**
     * Exact mode's forward: each output is {@code fma} over k in order from 0, then the bias added — for every row, in
     * either form of the product (X·Wᵀ for wide batches, Yᵀ = W·Xᵀ for narrow ones), after a larger batch too.
     */
    @Test
    void exactForwardIsEachRowsFixedOrderChainInEitherForm() {
        int in = 40;
        int units = 300;   // Yᵀ = W·Xᵀ while n·(in + units) < units·in, i.e. n ≤ 35
        Sequential m = new Sequential(Shape.of(in), List.of(new Dense(units)));
        float[] p = m.initParams(5);
        org.descent.tensor.Rng rng = new org.descent.tensor.Rng(9);
        float[] x = new float[50 * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        StepContext ctx = new StepContext(p, null, new float[0], new double[0]);
        ctx.exactGrads = new double[p.length];
        org.descent.nn.Kernel k = new Dense(units).kernel(Shape.of(in), m.slot(0));
        for (int n : new int[] {50, 33, 17, 1, 36}) {
            float[] y = new float[n * units];
            k.forward(ctx, n, x, y);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < units; j++) {
                    float chain = 0f;
                    for (int c = 0; c < in; c++) {
                        chain = Math.fma(x[i * in + c], p[j * in + c], chain);
                    }
                    assertEquals(Float.floatToRawIntBits(chain + p[units * in + j]), Float.floatToRawIntBits(y[i * units + j]),
                            "batch of " + n + ", row " + i + ", unit " + j);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new Dense(4), Shape.of(5), 3).run(mode);
            GradientCheck.of(new Dense(3), Shape.of(2, 2, 2), 2).run(mode);
        }
    }

    @Test
    void parametersAreWeightThenBiasWithPyTorchsDefaultRange() {
        Sequential m = new Sequential(Shape.of(100), List.of(new Dense(7)));
        assertEquals("0.dense.weight", m.layout().segments().get(0).name());
        assertEquals(700, m.layout().segments().get(0).length());
        assertEquals("0.dense.bias", m.layout().segments().get(1).name());
        float[] p = m.initParams(1);
        float max = 0;
        for (float v : p) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(0.1, max, 0.01);
    }
}
