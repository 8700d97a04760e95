package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.descent.nn.Models;
import org.descent.nn.ParamLayout;
import org.descent.optim.Optimizers;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class ParameterUpdaterTest {
    private static final ParamLayout LAYOUT = Models.mlp(7, 5, 3).layout();

    private static float[] gaussian(long seed, int n, double scale) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return v;
    }

    /** The mean gradient's norm, summed in one chain, to compare with the updater's four partial sums. */
    private static double norm(float[] gradSum, long count) {
        float inv = (float) (1.0 / count);
        double s = 0;
        for (float g : gradSum) {
            s += (double) (g * inv) * (g * inv);
        }
        return Math.sqrt(s);
    }

    @Test
    void prepareReturnsTheMeanGradientsNormAndChangesNothing() {
        ParameterUpdater u = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        float[] params = gaussian(1, LAYOUT.size(), 0.1);
        float[] before = params.clone();
        float[] gradSum = gaussian(2, LAYOUT.size(), 3);
        double n = u.prepare(gradSum, 32);
        assertEquals(norm(gradSum, 32), n, 1e-12 * n);
        assertEquals(n, u.gradientNorm());
        assertArrayEquals(before, params);
        float[] m = u.state().slot("m");
        for (float x : m) {
            assertEquals(0f, x);
        }
    }

    @Test
    void applyIsPrepareThenApplyPrepared() {
        float[] gradSum = gaussian(3, LAYOUT.size(), 1);
        float[] a = gaussian(4, LAYOUT.size(), 0.1);
        float[] b = a.clone();
        ParameterUpdater one = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        ParameterUpdater two = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        for (long step = 0; step < 3; step++) {
            one.apply(a, gradSum, 10, step);
            two.prepare(gradSum, 10);
            two.applyPrepared(b, step);
        }
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, gaussian(4, LAYOUT.size(), 0.1)), "the steps moved the parameters");
    }

    /** A NaN or infinite entry anywhere (also in the few entries past the last group of four) makes the norm non-finite. */
    @Test
    void aNonFiniteEntryMakesTheNormNonFiniteAndTheGuardNamesIt() {
        ParameterUpdater u = new ParameterUpdater(Optimizers.create("sgd", Map.of("learningRate", 0.1)), LAYOUT);
        for (int at : List.of(0, 5, LAYOUT.size() - 1)) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] g = gaussian(5, LAYOUT.size(), 1);
                g[at] = bad;
                double n = u.prepare(g, 4);
                assertFalse(Double.isFinite(n), at + " " + bad);
                DivergenceException e = assertThrows(DivergenceException.class, () -> DivergenceGuard.check(LAYOUT, g, n, 1.0, 0, 7));
                String name = LAYOUT.segments().stream().filter(s -> s.offset() <= at && at < s.end()).findFirst().orElseThrow().name();
                assertEquals(true, e.getMessage().contains("the gradient of " + name + " is " + bad), e.getMessage());
            }
        }
        float[] finite = gaussian(6, LAYOUT.size(), 1e30);
        double n = u.prepare(finite, 1);
        assertEquals(true, Double.isFinite(n), "squares of large floats do not overflow a double");
        DivergenceGuard.check(LAYOUT, finite, n, 1.0, 0, 7);
        assertThrows(DivergenceException.class, () -> DivergenceGuard.check(LAYOUT, finite, n, Double.NaN, 0, 7));
    }
}
