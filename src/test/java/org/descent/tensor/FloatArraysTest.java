package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatArraysTest {
    /** The vector loop and its scalar tail give each element's one IEEE addition, at any length and offsets. */
    @Test
    void addsElementByElement() {
        Rng rng = new Rng(2);
        for (int len : new int[] {0, 1, 7, 16, 17, 63, 224, 230}) {
            float[] src = new float[len + 5];
            float[] dst = new float[len + 9];
            for (int i = 0; i < src.length; i++) {
                src[i] = i % 7 == 0 ? -0f : rng.nextFloat() - 0.5f;
            }
            for (int i = 0; i < dst.length; i++) {
                dst[i] = i % 5 == 0 ? -0f : rng.nextFloat() * 3;
            }
            float[] expected = dst.clone();
            for (int i = 0; i < len; i++) {
                expected[4 + i] += src[3 + i];
            }
            FloatArrays.add(src, 3, dst, 4, len);
            for (int i = 0; i < dst.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dst[i]), "length " + len + " at " + i);
            }
        }
    }

    @Test
    void narrowsDoublesAsTheCastDoes() {
        Rng rng = new Rng(5);
        double[] src = new double[61];
        for (int i = 0; i < src.length; i++) {
            src[i] = (rng.nextDouble() - 0.5) * Math.scalb(1.0, rng.nextInt(80) - 40);
        }
        src[3] = 1 + 0x1p-24;             // halfway between two floats: to even, 1
        src[4] = 1 + 3 * 0x1p-24;         // halfway: to even, 1 + 2⁻²²
        src[5] = -0.0;
        src[6] = Double.NaN;
        src[7] = 1e300;                   // beyond float: ∞
        src[8] = 1e-300;                  // below float: 0
        src[9] = Float.MIN_VALUE * 1.5;   // a subnormal tie
        for (int from : new int[] {0, 3}) {
            for (int len : new int[] {0, 5, 16, 40, 58}) {
                float[] dst = new float[len + 2];
                FloatArrays.narrow(src, from, dst, 1, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(Float.floatToRawIntBits((float) src[from + i]), Float.floatToRawIntBits(dst[1 + i]),
                            "element " + (from + i) + " of " + len);
                }
                assertEquals(0f, dst[len + 1], "past the run");
                double[] zeroed = src.clone();
                float[] same = new float[len + 2];
                FloatArrays.narrowAndZero(zeroed, from, same, 1, len);
                assertArrayEquals(dst, same, "narrowAndZero's floats, " + len + " from " + from);
                for (int i = 0; i < src.length; i++) {
                    boolean inRun = i >= from && i < from + len;
                    assertEquals(Double.doubleToRawLongBits(inRun ? 0.0 : src[i]), Double.doubleToRawLongBits(zeroed[i]),
                            "source element " + i + " after narrowAndZero of " + len + " from " + from);
                }
            }
        }
    }

    /** Whole-vector copies: the run's bits (−0 and NaN included), at most overrun() − 1 floats written past it. */
    @Test
    void copiesRunsInWholeVectors() {
        for (int len : new int[] {1, 5, 14, 16, 28, 33}) {
            float[] src = new float[len + 2 + FloatArrays.overrun()];
            for (int i = 0; i < src.length; i++) {
                src[i] = i % 4 == 0 ? -0f : i % 11 == 0 ? Float.NaN : i * 0.25f;
            }
            float[] dst = new float[len + 3 + FloatArrays.overrun()];
            java.util.Arrays.fill(dst, 7f);
            FloatArrays.copyWholeVectors(src, 2, dst, 3, len);
            for (int i = 0; i < len; i++) {
                assertEquals(Float.floatToRawIntBits(src[2 + i]), Float.floatToRawIntBits(dst[3 + i]), "length " + len + " at " + i);
            }
            assertEquals(7f, dst[2], "nothing before the run");
            int untouched = 3 + Math.max(len, FloatArrays.overrun() == 0 ? len : (len + FloatArrays.overrun() - 1) / FloatArrays.overrun() * FloatArrays.overrun());
            for (int i = untouched; i < dst.length; i++) {
                assertEquals(7f, dst[i], "length " + len + ": nothing past the last whole vector, at " + i);
            }
        }
    }

    @Test
    void largestMagnitudeIsTheLargestAbsoluteValueOrNaN() {
        assertEquals(0f, FloatArrays.largestMagnitude(new float[0]));
        assertEquals(0f, FloatArrays.largestMagnitude(new float[] {-0f, 0f}));
        assertEquals(9e6f, FloatArrays.largestMagnitude(new float[] {1f, -9e6f, 8.5e6f, 1e-30f}));
        assertEquals(Float.POSITIVE_INFINITY, FloatArrays.largestMagnitude(new float[] {2f, Float.NEGATIVE_INFINITY, -3f}));
        assertEquals(Float.MIN_VALUE, FloatArrays.largestMagnitude(new float[] {-Float.MIN_VALUE}));
        assertTrue(Float.isNaN(FloatArrays.largestMagnitude(new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY})));
    }
}
