package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {
    private static float[] terms(int n, long seed) {
        Random r = new Random(seed);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            // Magnitudes from 1e-6 to 1e2, both signs: the spread that makes float sums order-dependent.
            t[i] = (float) (r.nextGaussian() * Math.pow(10, -6 + 8 * r.nextDouble()));
        }
        return t;
    }

    private static double gridSum(float[] t, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += ExactSum.q(t[i]);
        }
        return s;
    }

    @Test
    void aTermIsRoundedToTheNearestGridPoint() {
        assertEquals(0.0, ExactSum.q(0.4 * ExactSum.GRID));
        assertEquals(ExactSum.GRID, ExactSum.q(0.6 * ExactSum.GRID));
        assertEquals(-3 * ExactSum.GRID, ExactSum.q(-3.2 * ExactSum.GRID));
        assertEquals(1.5, ExactSum.q(1.5));
        assertEquals(1.0 / 3, ExactSum.q(1.0 / 3), ExactSum.GRID / 2);
    }

    /** Any order and any split into partial sums (as partitions do) give the same bits; float sums do not. */
    @Test
    void theSumDoesNotDependOnOrderOrGrouping() {
        float[] t = terms(10_000, 1);
        double whole = gridSum(t, 0, t.length);
        float forward = 0;
        for (float v : t) {
            forward += v;
        }
        Random r = new Random(2);
        boolean floatDiffered = false;
        for (int trial = 0; trial < 20; trial++) {
            float[] shuffled = t.clone();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                float x = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = x;
            }
            int cut = 1 + r.nextInt(shuffled.length - 1);
            double parts = gridSum(shuffled, cut, shuffled.length) + gridSum(shuffled, 0, cut);
            assertEquals(Double.doubleToRawLongBits(whole), Double.doubleToRawLongBits(parts), "trial " + trial);
            float reordered = 0;
            for (float v : shuffled) {
                reordered += v;
            }
            floatDiffered |= reordered != forward;
        }
        assertEquals(true, floatDiffered, "float32 sums of the same terms depend on the order");
        double exact = 0;
        for (float v : t) {
            exact += v;
        }
        assertEquals(exact, whole, t.length * ExactSum.GRID, "the grid costs at most half a grid step per term");
    }

    @Test
    void addIsElementWise() {
        double[] acc = {1, 2, 3};
        ExactSum.add(acc, 1, new float[] {9f, 0.25f, -1f}, 1, 2);
        assertEquals(1.0, acc[0]);
        assertEquals(2.25, acc[1]);
        assertEquals(2.0, acc[2]);
    }

    @Test
    void scaledRowsAreProductsOnTheGrid() {
        float[] x = {1.5f, -2.25f, 1e-12f, 3e3f};
        double[] acc = new double[5];
        ExactSum.addScaled(acc, 1, 0.5f, x, 0, 4);
        assertEquals(0.0, acc[0]);
        assertEquals(0.75, acc[1]);
        assertEquals(-1.125, acc[2]);
        assertEquals(0.0, acc[3], "below half a grid step");
        assertEquals(1500.0, acc[4], 1e-9);
        assertNotEquals(0.0, ExactSum.GRID);
    }

    @Test
    void outerProductsOverABatchAreTheExampleByExampleSumsBitForBit() {
        Rng rng = new Rng(17);
        int rows = 7;
        int units = 5;
        int cols = 37;
        float[] g = uniform(rng, rows * units, 3);
        float[] x = uniform(rng, rows * cols, 5);
        for (int i = 0; i < g.length; i += 4) {
            g[i] = 0f;
        }
        x[3] = 1e-12f;
        double[] expected = exampleByExample(g, x, rows, units, cols, 2);
        double[] batch = new double[units * cols + 2];
        ExactSum.addOuterProducts(batch, 2, g, 0, units, x, 0, cols, rows, new double[cols]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, batch);
        // Split into 3 + 4 examples, the same bits; and a huge term (beyond the vector rounding's range) still rounds right.
        double[] split = new double[units * cols + 2];
        ExactSum.addOuterProducts(split, 2, g, 0, units, x, 0, cols, 3, new double[cols]);
        ExactSum.addOuterProducts(split, 2, g, 3 * units, units, x, 3 * cols, cols, 4, new double[cols]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, split);
        float[] big = {3e6f, 0.3f};
        double[] huge = new double[2];
        ExactSum.addOuterProducts(huge, 0, new float[] {1.5f}, 0, 1, big, 0, 2, 1, new double[2]);
        assertEquals(ExactSum.q(1.5 * 3e6f), huge[0]);
        assertEquals(ExactSum.q(1.5 * 0.3f), huge[1]);
    }

    @Test
    void blocksOfEightUnitsGiveTheExampleByExampleSumsBitForBit() {
        // 19 units: two blocks of eight (the second with one g of 10⁶, so its terms leave the vector rounding's range and
        // it takes the per-unit path) and three units left over; 45 inputs: pairs of vectors, one vector left over and a
        // tail (with 512-bit vectors: 2 pairs of 8 doubles, 8, 5).
        Rng rng = new Rng(23);
        int rows = 11;
        int units = 19;
        int cols = 45;
        float[] g = uniform(rng, rows * units, 3);
        float[] x = uniform(rng, rows * cols, 5);
        g[4 * units + 9] = 1e6f;
        g[2 * units + 1] = 0f;
        g[5 * units + 2] = -0f;
        double[] expected = exampleByExample(g, x, rows, units, cols, 3);
        double[] batch = new double[units * cols + 3];
        ExactSum.addOuterProducts(batch, 3, g, 0, units, x, 0, cols, rows, new double[ExactSum.outerProductScratch(rows, cols)]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, batch);
        double[] split = new double[units * cols + 3];
        ExactSum.addOuterProducts(split, 3, g, 0, units, x, 0, cols, 6, new double[ExactSum.outerProductScratch(6, cols)]);
        ExactSum.addOuterProducts(split, 3, g, 6 * units, units, x, 6 * cols, cols, 5, new double[cols]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, split);
    }

    @Test
    void termsThatAreTiesForRintGiveTheExampleByExampleSumsBitForBit() {
        // g = ±2⁻²⁰ and x = odd multiples of 2⁻¹¹ (lowest bits 2⁻³¹ apart in all) make g·2³⁰·x an odd multiple of ½: a tie,
        // rounded to even on its own, but to whichever neighbour makes the running sum even if added to it unrounded.
        // Sprinkled over some examples of 128 (the one-FMA kernel runs around them); the rest are ordinary terms.
        Rng rng = new Rng(29);
        int rows = 128;
        int units = 24;
        int cols = 70;
        float[] g = uniform(rng, rows * units, 2e-3f);
        float[] x = uniform(rng, rows * cols, 4);
        for (int i = 3; i < rows; i += 9) {
            for (int j = i % 5; j < units; j += 3) {
                g[i * units + j] = (j % 2 == 0 ? 1 : -1) * 0x1p-20f;
            }
            for (int k = i % 7; k < cols; k += 4) {
                x[i * cols + k] = (2 * rng.nextInt(64) + 1) * 0x1p-11f;
            }
        }
        assertEquals(-31, ExactSum.lowestBitExponent(0x1p-20f) + ExactSum.lowestBitExponent(3 * 0x1p-11f));
        assertEquals(ExactSum.q(0x1p-20 * 3 * 0x1p-11), 2 * ExactSum.GRID, "1.5 grid steps round to 2");
        double[] expected = exampleByExample(g, x, rows, units, cols, 1);
        double[] batch = new double[units * cols + 1];
        ExactSum.addOuterProducts(batch, 1, g, 0, units, x, 0, cols, rows, new double[ExactSum.outerProductScratch(rows, cols)]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, batch);
        // Every example a tie: the whole block with integer sums.
        java.util.Arrays.fill(g, 0x1p-20f);
        for (int i = 0; i < x.length; i++) {
            x[i] = (2 * (i % 97) + 1) * 0x1p-11f;
        }
        expected = exampleByExample(g, x, rows, units, cols, 1);
        batch = new double[units * cols + 1];
        ExactSum.addOuterProducts(batch, 1, g, 0, units, x, 0, cols, rows, new double[ExactSum.outerProductScratch(rows, cols)]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, batch);
    }

    @Test
    void aCallOverMoreInputsThanAreWidenedAtOnceRunsInGroupsWithTheSameBits() {
        // 300 examples of 1,800 inputs: 540,000 > WIDENED_INPUTS, so groups of 291 and 9 examples; one tie row in each.
        Rng rng = new Rng(31);
        int rows = 300;
        int units = 16;
        int cols = 1800;
        assertTrue((long) rows * cols > ExactSum.WIDENED_INPUTS && ExactSum.WIDENED_INPUTS / cols < rows);
        float[] g = uniform(rng, rows * units, 2e-3f);
        float[] x = uniform(rng, rows * cols, 4);
        for (int i : new int[] {5, 295}) {
            g[i * units + 3] = 0x1p-20f;
            x[i * cols + 40] = 3 * 0x1p-11f;
        }
        double[] expected = exampleByExample(g, x, rows, units, cols, 0);
        double[] batch = new double[units * cols];
        ExactSum.addOuterProducts(batch, 0, g, 0, units, x, 0, cols, rows, new double[ExactSum.outerProductScratch(rows, cols)]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, batch);
    }

    @Test
    void theLowestBitExponentOfAFloat() {
        assertEquals(0, ExactSum.lowestBitExponent(1f));
        assertEquals(-1, ExactSum.lowestBitExponent(-0.5f));
        assertEquals(-2, ExactSum.lowestBitExponent(1.25f));
        assertEquals(3, ExactSum.lowestBitExponent(24f));
        assertEquals(-23, ExactSum.lowestBitExponent(Math.nextUp(1f)));
        assertEquals(-149, ExactSum.lowestBitExponent(Float.MIN_VALUE));
        assertEquals(-148, ExactSum.lowestBitExponent(2 * Float.MIN_VALUE));
        assertEquals(-126, ExactSum.lowestBitExponent(0f));
        assertEquals(104, ExactSum.lowestBitExponent(Float.MAX_VALUE));
        assertEquals(127, ExactSum.lowestBitExponent(0x1p127f));
    }

    @Test
    void theVectorScansGiveTheLargestMagnitudeAndTheLowestBitExponents() {
        org.junit.jupiter.api.Assumptions.assumeTrue(FloatMath.vectorized(), "the Vector API is not available");
        Rng rng = new Rng(31);
        float[] x = uniform(rng, 203, 6);
        x[5] = 0f;
        x[17] = -0f;
        x[40] = 3 * Float.MIN_VALUE;
        x[77] = -0x1p-3f;
        x[150] = 0x1.8p-5f;
        x[9] = 0x1.8p-25f;
        for (int from : new int[] {0, 1, 60}) {
            for (int len : new int[] {0, 7, 16, 143}) {
                float abs = 0f;
                int lowest = -126;
                for (int i = from; i < from + len; i++) {
                    abs = Math.max(abs, Math.abs(x[i]));
                    lowest = Math.max(lowest, ExactSum.lowestBitExponent(x[i]));
                }
                double[] out = new double[3];
                assertEquals(abs, VectorExactSum.maxAbsAndLowestBit(x, from, len, out, 2, null, 0), "from " + from + ", length " + len);
                assertEquals(lowest, out[2], "from " + from + ", length " + len);
                double[] wide = new double[len + 5];
                java.util.Arrays.fill(wide, -7.0);
                out[2] = 0;
                assertEquals(abs, VectorExactSum.maxAbsAndLowestBit(x, from, len, out, 2, wide, 3), "from " + from + ", length " + len);
                assertEquals(lowest, out[2], "from " + from + ", length " + len);
                for (int i = 0; i < wide.length; i++) {
                    double expected = i >= 3 && i < 3 + len ? x[from + i - 3] : -7.0;
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(wide[i]),
                            "widened value " + i + " from " + from + ", length " + len);
                }
                for (int target : new int[] {-3, -6, -149, -148, -26, -25, 5}) {
                    boolean any = false;
                    for (int i = from; i < from + len; i++) {
                        any |= ExactSum.lowestBitExponent(x[i]) == target;
                    }
                    assertEquals(any, VectorExactSum.anyLowestBitExponent(x, from, len, new int[] {99, target}, 2),
                            "exponent " + target + " from " + from + ", length " + len);
                }
            }
        }
    }

    @Test
    void elementWiseSumsOfRoundedTermsAreTheScalarOnesBitForBit() {
        // Long enough for whole vectors and a tail; one value per kind beyond the vector rounding's range (2²¹), a NaN-free
        // ±0 and a half-grid tie; the same bits as q term by term.
        Rng rng = new Rng(37);
        int len = 45;
        float[] a = uniform(rng, len + 2, 6);
        float[] b = uniform(rng, len + 2, 2);
        a[4] = 3e6f;
        a[9] = -0f;
        a[12] = (float) (1.5 * ExactSum.GRID);
        b[20] = 5e6f;
        double[] mean = new double[len];
        for (int i = 0; i < len; i++) {
            mean[i] = rng.nextDouble() - 0.5;
        }
        mean[30] = -4e6;
        double[] sum = new double[len + 1];
        double[] products = new double[len];
        double[] squares = new double[len];
        double[] expectedSum = new double[len + 1];
        double[] expectedProducts = new double[len];
        double[] expectedSquares = new double[len];
        for (int pass = 0; pass < 2; pass++) {
            ExactSum.add(sum, 1, a, 2, len);
            ExactSum.addProducts(products, 0, a, 1, b, 2, len);
            ExactSum.addSquaredDeviations(squares, b, 1, mean, len);
            for (int i = 0; i < len; i++) {
                expectedSum[1 + i] += ExactSum.q(a[2 + i]);
                expectedProducts[i] += ExactSum.q(a[1 + i] * b[2 + i]);
                double d = b[1 + i] - mean[i];
                expectedSquares[i] += ExactSum.q(d * d);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(expectedSum, sum);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expectedProducts, products);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expectedSquares, squares);
    }

    /** {@code len} values uniform in [−scale/2, scale/2). */
    private static float[] uniform(Rng rng, int len, float scale) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (rng.nextFloat() - 0.5f) * scale;
        }
        return v;
    }

    /** The reference: every example's row of every unit added by {@link ExactSum#addScaled}, from index {@code off}. */
    private static double[] exampleByExample(float[] g, float[] x, int rows, int units, int cols, int off) {
        double[] sums = new double[units * cols + off];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < units; j++) {
                ExactSum.addScaled(sums, off + j * cols, g[i * units + j], x, i * cols, cols);
            }
        }
        return sums;
    }

    /** ‖m‖₂ of m_i = fl(s_i · fl(1/count)), the mean's norm as the driver's updater computes it. */
    private static double meanNorm(float[] sums, long count) {
        float inv = (float) (1.0 / count);
        double squares = 0;
        for (float s : sums) {
            float m = s * inv;
            squares += (double) m * m;
        }
        return Math.sqrt(squares);
    }

    @Test
    void normBoundRulesOutOnlySumsBelowTheLimit() {
        Random r = new Random(23);
        float limit = (float) ExactSum.EXACT_LIMIT;
        for (int trial = 0; trial < 20_000; trial++) {
            long count = trial % 3 == 0 ? 1 + r.nextInt(4) : trial % 3 == 1 ? 1 + r.nextInt(1000) : 1 + r.nextInt(100_000);
            float[] sums = new float[1 + r.nextInt(5)];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = (float) (r.nextGaussian() * limit * 1e-4);
            }
            // One spike within 2⁻¹² of the limit, on either side of it, or exactly at it.
            float spike = trial % 7 == 0 ? limit : limit * (float) (1 + (r.nextDouble() - 0.5) * 0x1p-11);
            sums[r.nextInt(sums.length)] = r.nextBoolean() ? spike : -spike;
            float largest = FloatArrays.largestMagnitude(sums);
            if (ExactSum.belowLimitByNorm(meanNorm(sums, count), count)) {
                assertTrue(largest < limit, "the bound ruled out a sum of " + largest + " over " + count + " examples");
            }
            if (largest >= limit) {
                assertFalse(ExactSum.belowLimitByNorm(meanNorm(sums, count), count));
            }
        }
    }

    @Test
    void normBoundSparesTheScanForOrdinaryGradientsAndLooksWhenItCannotTell() {
        float[] sums = terms(270_000, 5);
        assertTrue(ExactSum.belowLimitByNorm(meanNorm(sums, 128), 128));
        assertFalse(ExactSum.belowLimitByNorm(Double.NaN, 128));
        assertFalse(ExactSum.belowLimitByNorm(Double.POSITIVE_INFINITY, 128));
        assertFalse(ExactSum.belowLimitByNorm(ExactSum.EXACT_LIMIT / 128, 128));
    }
}
