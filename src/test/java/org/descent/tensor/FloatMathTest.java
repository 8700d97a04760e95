package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The float exp, sigmoid and tanh: within a few units in the last place of the double functions rounded to float over
 * their whole useful range, right at the special values, and the vectorized arrays the same bits as the scalars.
 */
class FloatMathTest {
    /** The largest error in units of the last place of {@code (float) exact} over a sweep of [lo, hi]. */
    private interface Exact {
        double of(double x);
    }

    private interface Approx {
        float of(float x);
    }

    private static double maxUlps(Approx f, Exact exact, double lo, double hi, double step) {
        double worst = 0;
        for (double a = lo; a <= hi; a += step) {
            float x = (float) a;
            float expected = (float) exact.of(x);
            if (expected == 0f || Float.isInfinite(expected)) {
                continue;
            }
            worst = Math.max(worst, Math.abs(f.of(x) - (double) expected) / Math.ulp(expected));
        }
        return worst;
    }

    @Test
    void eachFunctionIsWithinAFewUlpsOfTheDoubleOneRoundedToFloat() {
        double exp = maxUlps(FloatMath::exp, Math::exp, -87, 88, 0.00071);
        double sigmoid = maxUlps(FloatMath::sigmoid, a -> 1 / (1 + Math.exp(-a)), -80, 80, 0.00037);
        double tanh = maxUlps(FloatMath::tanh, Math::tanh, -20, 20, 0.00013);
        double tanhSmall = maxUlps(FloatMath::tanh, Math::tanh, -0.7, 0.7, 1.3e-6);
        assertTrue(exp <= 2, "exp: " + exp + " ulp");
        assertTrue(sigmoid <= 3, "sigmoid: " + sigmoid + " ulp");
        assertTrue(tanh <= 3 && tanhSmall <= 3, "tanh: " + tanh + " ulp, " + tanhSmall + " near 0");
    }

    @Test
    void specialValues() {
        assertEquals(1f, FloatMath.exp(0f));
        assertEquals(0.5f, FloatMath.sigmoid(0f));
        assertEquals(0f, FloatMath.tanh(0f));
        assertTrue(FloatMath.tanh(-0f) == 0f, "tanh(-0) is a zero");
        assertEquals(1e-30f, FloatMath.tanh(1e-30f));
        assertEquals(1f, FloatMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatMath.tanh(-1000f));
        assertEquals(1f, FloatMath.sigmoid(1000f));
        assertTrue(FloatMath.sigmoid(-1000f) >= 0f && FloatMath.sigmoid(-1000f) < 1e-37f);
        assertTrue(Float.isNaN(FloatMath.exp(Float.NaN)) && Float.isNaN(FloatMath.tanh(Float.NaN)) && Float.isNaN(FloatMath.sigmoid(Float.NaN)));
    }

    @Test
    void arraysGiveTheScalarsBitsAtEveryLengthAndOffset() {
        Rng rng = new Rng(5);
        float[] values = new float[300];
        for (int i = 0; i < values.length; i++) {
            values[i] = (rng.nextFloat() - 0.5f) * (i % 3 == 0 ? 2f : 40f);
        }
        values[7] = Float.NaN;
        values[8] = Float.NEGATIVE_INFINITY;
        values[9] = -0f;
        for (int off : new int[] {0, 1, 5}) {
            for (int len : new int[] {0, 1, 15, 16, 17, 33, 64, 250}) {
                float[] s = values.clone();
                float[] t = values.clone();
                FloatMath.sigmoid(s, off, len);
                FloatMath.tanh(t, off, len);
                for (int i = 0; i < values.length; i++) {
                    boolean inside = i >= off && i < off + len;
                    float es = inside ? FloatMath.sigmoid(values[i]) : values[i];
                    float et = inside ? FloatMath.tanh(values[i]) : values[i];
                    assertEquals(Float.floatToIntBits(es), Float.floatToIntBits(s[i]), "sigmoid at " + i + " (" + off + ", " + len + ")");
                    assertEquals(Float.floatToIntBits(et), Float.floatToIntBits(t[i]), "tanh at " + i + " (" + off + ", " + len + ")");
                }
            }
        }
        assertTrue(FloatMath.vectorized(), "the tests' JVM has jdk.incubator.vector, so the arrays went through the Vector API");
    }
}
