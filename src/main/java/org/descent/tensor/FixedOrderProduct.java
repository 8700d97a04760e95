package org.descent.tensor;

/**
 * {@code C = A · B} (row-major, {@code A} rows × K, {@code B} K × N) where every element is accumulated over k = 0 … K−1
 * in that order by fused multiply-adds, {@code c ← fma(a_ik, b_kj, c)} from 0: an element's value depends only on its
 * row of A and its column of B, never on how many rows the call has, where its row falls in the blocking, or
 * whether it is computed on a vector lane or by the scalar twin. That is the product {@code engine.reduction = exact}
 * needs (an example's activations must not depend on the batch it is in), at a fraction of BLAS's speed but far above
 * one BLAS call per row, which rereads the whole weight matrix for every example.
 *
 * <p>Blocked over four rows of A and two vectors of columns of B (eight accumulators), on the Vector API when the JVM
 * has {@code jdk.incubator.vector} ({@link VectorFixedOrderProduct}); the columns left over, and every column without
 * the module, by the scalar loop here, with the same operations in the same order (so the same bits).
 */
public final class FixedOrderProduct {
    private static final boolean VECTOR = FloatMath.vectorized();

    private FixedOrderProduct() {
    }

    /**
     * {@code out[c·rows + r] = a[off + r·cols + c]}: the transpose of a row-major {@code rows × cols} matrix (e.g. a
     * layer's weights {@code [out, in]} as the {@code [in, out]} operand B of {@link #multiply}), in 16 × 16 tiles so
     * that the strided writes stay in the cache lines the reads just brought.
     */
    public static void transpose(float[] a, int off, int rows, int cols, float[] out) {
        transpose(a, off, rows, cols, out, rows);
    }

    /**
     * {@link #transpose(float[], int, int, int, float[])} with rows of {@code ld ≥ rows} floats in {@code out}
     * ({@code out[c·ld + r]}); the columns from {@code rows} to {@code ld} are left as they are.
     */
    public static void transpose(float[] a, int off, int rows, int cols, float[] out, int ld) {
        transpose(a, off, cols, rows, cols, out, ld);
    }

    /**
     * {@code out[c·ld + r] = a[off + r·lda + c]} for r &lt; rows, c &lt; cols: the transpose of a {@code rows × cols} block
     * of a row-major matrix with rows of {@code lda ≥ cols} floats. On the Vector API, whole vectors of rows a column at
     * a time by gathers ({@link VectorFixedOrderProduct#transposeRows}: 0.46 ns an element against 0.85–1.4 for the
     * tiles, 128 × 784 on Zen 4); the rows left over in 16 × 16 tiles.
     */
    public static void transpose(float[] a, int off, int lda, int rows, int cols, float[] out, int ld) {
        int first = VECTOR ? VectorFixedOrderProduct.transposeRows(a, off, lda, rows, cols, out, ld) : 0;
        for (int r0 = first; r0 < rows; r0 += 16) {
            for (int c0 = 0; c0 < cols; c0 += 16) {
                for (int r = r0, rEnd = Math.min(rows, r0 + 16); r < rEnd; r++) {
                    for (int c = c0, cEnd = Math.min(cols, c0 + 16); c < cEnd; c++) {
                        out[c * ld + r] = a[off + r * lda + c];
                    }
                }
            }
        }
    }

    /**
     * {@code n} rounded up to whole vectors of the kernel (n itself without the Vector API): a caller with a few
     * columns (a 10-unit output layer) computes this many, over zero columns of B, to keep every column on vector
     * lanes; the extra columns are dropped, and the kept ones have the same bits either way.
     */
    public static int vectorColumns(int n) {
        return VECTOR ? VectorFixedOrderProduct.roundUp(n) : n;
    }

    /**
     * {@code c[cOff + i·ldc + j] = Σ_k a[aOff + i·lda + k] · b[bOff + k·ldb + j]} for i &lt; rows, j &lt; n, k &lt; depth.
     */
    public static void multiply(int rows, int n, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        int j = VECTOR ? VectorFixedOrderProduct.multiply(rows, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc) : 0;
        if (j == n) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            // The row's remaining elements accumulate in place, all advancing one k at a time: independent chains,
            // each still in k order.
            java.util.Arrays.fill(c, ci + j, ci + n, 0f);
            for (int k = 0; k < depth; k++) {
                float aik = a[ai + k];
                int bk = bOff + k * ldb;
                for (int col = j; col < n; col++) {
                    c[ci + col] = Math.fma(aik, b[bk + col], c[ci + col]);
                }
            }
        }
    }
}
