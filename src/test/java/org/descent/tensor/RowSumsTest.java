package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The unrolled sums: the exact ones are the element-by-element exact sums bit for bit, the others agree to rounding. */
class RowSumsTest {
    private static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rng.nextFloat() - 0.3f) * 7;
        }
        return v;
    }

    @Test
    void exactSumsAreTheOneByOneExactSumsBitForBitAtEveryLengthAndOffset() {
        float[] a = random(203, 1);
        float[] b = random(203, 2);
        double mean = 0.37;
        for (int off = 0; off < 4; off++) {
            for (int len : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 199}) {
                double sum = 0;
                double dev = 0;
                double prod = 0;
                for (int i = off; i < off + len; i++) {
                    sum += ExactSum.q(a[i]);
                    double d = a[i] - mean;
                    dev += ExactSum.q(d * d);
                    prod += ExactSum.q(a[i] * b[i]);
                }
                String at = "offset " + off + ", length " + len;
                assertEquals(sum, RowSums.sum(a, off, len, true), at);
                assertEquals(dev, RowSums.squaredDeviations(a, off, len, mean, true), at);
                assertEquals(prod, RowSums.products(a, b, off, len, true), at);
            }
        }
    }

    @Test
    void floatSumsAgreeWithTheOneByOneSumsToRounding() {
        float[] a = random(1001, 3);
        float[] b = random(1001, 4);
        double sum = 0;
        double dev = 0;
        double prod = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i];
            dev += (a[i] - 1.5) * (a[i] - 1.5);
            prod += a[i] * b[i];
        }
        assertEquals(sum, RowSums.sum(a, 0, a.length, false), 1e-9 * a.length);
        assertEquals(dev, RowSums.squaredDeviations(a, 0, a.length, 1.5, false), 1e-9 * dev);
        assertEquals(prod, RowSums.products(a, b, 0, a.length, false), 1e-9 * a.length);
        assertEquals(a[5] + (double) a[6], RowSums.sum(a, 5, 2, false));
    }

    /**
     * The sums of several rows a stride apart (four at a time on the Vector API) are each row's own sum bit for bit, float
     * and exact: lengths with and without a scalar tail, row counts that are and are not multiples of four.
     */
    @Test
    void rowsAtOnceAreEachRowsOwnSumBitForBit() {
        float[] a = random(9000, 5);
        float[] b = random(9000, 6);
        double[] scratch = RowSums.scratch();
        for (boolean exact : new boolean[] {false, true}) {
            for (int len : new int[] {1, 7, 16, 31, 196, 784}) {
                for (int rows : new int[] {1, 3, 4, 9}) {
                    int stride = len + 5;
                    int off = 3;
                    double[] sums = new double[rows + 2];
                    double[] deviations = new double[rows + 2];
                    double[] products = new double[rows + 2];
                    RowSums.sums(a, off, stride, rows, len, exact, sums, 1, scratch);
                    RowSums.squaredDeviations(a, off, stride, rows, len, 0.25, exact, deviations, 1, scratch);
                    RowSums.products(a, b, off, stride, rows, len, exact, products, 1, scratch);
                    for (int r = 0; r < rows; r++) {
                        String where = (exact ? "exact" : "float") + " len " + len + " row " + r + " of " + rows;
                        int row = off + r * stride;
                        assertEquals(RowSums.sum(a, row, len, exact), sums[1 + r], where);
                        assertEquals(RowSums.squaredDeviations(a, row, len, 0.25, exact), deviations[1 + r], where);
                        assertEquals(RowSums.products(a, b, row, len, exact), products[1 + r], where);
                    }
                    for (double[] out : new double[][] {sums, deviations, products}) {
                        assertEquals(0.0, out[0], "nothing before the first row's place");
                        assertEquals(0.0, out[rows + 1], "nothing after the last");
                    }
                }
            }
        }
    }
}
