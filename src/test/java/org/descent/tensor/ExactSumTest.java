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
}
