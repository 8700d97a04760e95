package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
