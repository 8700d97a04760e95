package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The fixed-order product: each element is the in-order chain of fused multiply-adds over its row and column (checked
 * bit for bit against that chain, at sizes that exercise every block and tail), so a row's result does not depend on
 * the rows around it, and it is the matrix product to rounding.
 */
class FixedOrderProductTest {
    private static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextFloat() * 2 - 1;
        }
        return v;
    }

    @Test
    void everyElementIsTheInOrderChainOfFusedMultiplyAddsWhateverTheRowsAroundIt() {
        for (int[] size : new int[][] {{1, 1, 1}, {3, 5, 2}, {4, 32, 7}, {9, 47, 13}, {6, 100, 30}, {5, 16, 3}, {8, 50, 20}, {13, 80, 11}}) {
            int rows = size[0];
            int n = size[1];
            int depth = size[2];
            int lda = depth + 2;
            int ldb = n + 3;
            int ldc = n + 1;
            float[] a = random(rows * lda + 1, 1);
            float[] b = random(depth * ldb + 2, 2);
            float[] c = new float[rows * ldc + 1];
            FixedOrderProduct.multiply(rows, n, depth, a, 1, lda, b, 2, ldb, c, 1, ldc);
            for (int i = 0; i < rows; i++) {
                // The same row alone in a call of its own: the same bits.
                float[] alone = new float[n];
                FixedOrderProduct.multiply(1, n, depth, a, 1 + i * lda, lda, b, 2, ldb, alone, 0, n);
                for (int j = 0; j < n; j++) {
                    float chain = 0f;
                    double exact = 0;
                    for (int k = 0; k < depth; k++) {
                        chain = Math.fma(a[1 + i * lda + k], b[2 + k * ldb + j], chain);
                        exact += (double) a[1 + i * lda + k] * b[2 + k * ldb + j];
                    }
                    String at = rows + "×" + n + "×" + depth + " at (" + i + ", " + j + ")";
                    assertEquals(Float.floatToIntBits(chain), Float.floatToIntBits(c[1 + i * ldc + j]), at);
                    assertEquals(Float.floatToIntBits(chain), Float.floatToIntBits(alone[j]), at + " alone");
                    assertEquals(exact, c[1 + i * ldc + j], 1e-5 * depth, at + " against the product in double");
                }
            }
        }
    }

    @Test
    void transposeSwapsRowsAndColumnsAcrossTileEdges() {
        int rows = 21;
        int cols = 35;
        float[] a = random(rows * cols + 3, 4);
        float[] t = new float[rows * cols];
        FixedOrderProduct.transpose(a, 3, rows, cols, t);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(a[3 + r * cols + c], t[c * rows + r], "(" + r + ", " + c + ")");
            }
        }
    }

    @Test
    void transposeOfABlockWithRowStridesOnBothSides() {
        // 37 × 9 of a matrix with rows of 12 (two vectors of rows by gathers with 16 lanes, five by tiles) into rows of 40.
        int lda = 12;
        int rows = 37;
        int cols = 9;
        int ld = 40;
        float[] a = random(5 + rows * lda, 6);
        float[] t = new float[cols * ld];
        java.util.Arrays.fill(t, 7f);
        FixedOrderProduct.transpose(a, 5, lda, rows, cols, t, ld);
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < ld; r++) {
                assertEquals(r < rows ? a[5 + r * lda + c] : 7f, t[c * ld + r], "(" + r + ", " + c + ")");
            }
        }
    }
}
