package org.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FixedOrderProduct} on the Vector API: the columns in whole vectors (two at a time, then one), eight rows at a
 * time (then four, then one), each lane accumulating its element over k in order by fused multiply-adds. Returns the first column it left to
 * the scalar loop.
 *
 * <p>The rule of every Vector API kernel here: no vector method is called on a loop-carried vector (a phi, typed only
 * {@code FloatVector} when C2 parses the loop) or on a vector just loaded from an array (also typed by the abstract
 * class). Its concrete class would come from the call site's type profile, which the API's Java fallbacks share and
 * pollute with other shapes while the code is still interpreted; when that happens C2 cannot make the call an
 * intrinsic, boxes every vector, and the kernel runs tens of times slower for the rest of the run (seen: an exact
 * quickstart at 10× its usual time, in one run of five). Receivers are broadcasts of a constant species or results of
 * calls on them: accumulators are the arguments of {@code fma}, and values leave or enter through {@code −0 + v} (the
 * same bits: −0 is the identity of IEEE addition).
 */
final class VectorFixedOrderProduct {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorFixedOrderProduct() {
    }

    /** Per thread, the last index map of {@link #transposeRows}: row starts 0, lda, 2·lda, … for one lda. */
    private static final ThreadLocal<int[]> ROW_STARTS = ThreadLocal.withInitial(() -> new int[F.length()]);

    /**
     * {@code out[c·ld + r] = a[off + r·lda + c]} for whole vectors of rows r from 0 and every c &lt; cols: each column c
     * of a vector of rows gathered in one load and stored as a run of {@code out}'s row c; returns the first row left.
     */
    static int transposeRows(float[] a, int off, int lda, int rows, int cols, float[] out, int ld) {
        int[] starts = ROW_STARTS.get();
        if (starts[1] != lda) {
            for (int r = 0; r < starts.length; r++) {
                starts[r] = r * lda;
            }
        }
        FloatVector zero = FloatVector.broadcast(F, -0f);
        int r0 = 0;
        for (int end = F.loopBound(rows); r0 < end; r0 += F.length()) {
            int from = off + r0 * lda;
            for (int c = 0; c < cols; c++) {
                zero.add(FloatVector.fromArray(F, a, from + c, starts, 0)).intoArray(out, c * ld + r0);
            }
        }
        return r0;
    }

    static int roundUp(int n) {
        return (n + F.length() - 1) / F.length() * F.length();
    }

    static int multiply(int rows, int n, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        int width = F.length();
        int vectorColumns = F.loopBound(n);
        int i = 0;
        for (; i + 7 < rows; i += 8) {
            int a0 = aOff + i * lda;
            int j = 0;
            for (; j + 2 * width <= vectorColumns; j += 2 * width) {
                eightRowsOfTwoVectors(depth, a, a0, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j < vectorColumns; j += width) {
                fourRowsOfOneVector(depth, a, a0, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
                fourRowsOfOneVector(depth, a, a0 + 4 * lda, lda, b, bOff + j, ldb, c, cOff + (i + 4) * ldc + j, ldc);
            }
        }
        if (i + 3 < rows) {   // four rows left at most, after the eights
            int a0 = aOff + i * lda;
            int j = 0;
            for (; j + 2 * width <= vectorColumns; j += 2 * width) {
                fourRowsOfTwoVectors(depth, a, a0, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j < vectorColumns; j += width) {
                fourRowsOfOneVector(depth, a, a0, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            i += 4;
        }
        for (; i < rows; i++) {
            for (int j = 0; j < vectorColumns; j += width) {
                oneVector(depth, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        return vectorColumns;
    }

    /**
     * Four rows' two vectors of columns starting at {@code b[bj]}, written from {@code c[ci]}: eight accumulators; the
     * rows {@link #eightRowsOfTwoVectors} leaves. Each lane the chain {@link #oneVector} computes.
     */
    private static void fourRowsOfTwoVectors(int depth, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c,
                                             int ci, int ldc) {
        int width = F.length();
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        for (int k = 0; k < depth; k++) {
            int bk = bj + k * ldb;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + width);
            FloatVector x0 = FloatVector.broadcast(F, a[ai + k]);
            FloatVector x1 = FloatVector.broadcast(F, a[ai + lda + k]);
            FloatVector x2 = FloatVector.broadcast(F, a[ai + 2 * lda + k]);
            FloatVector x3 = FloatVector.broadcast(F, a[ai + 3 * lda + k]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        FloatVector negativeZero = FloatVector.broadcast(F, -0f);
        negativeZero.add(c00).intoArray(c, ci);
        negativeZero.add(c01).intoArray(c, ci + width);
        negativeZero.add(c10).intoArray(c, ci + ldc);
        negativeZero.add(c11).intoArray(c, ci + ldc + width);
        negativeZero.add(c20).intoArray(c, ci + 2 * ldc);
        negativeZero.add(c21).intoArray(c, ci + 2 * ldc + width);
        negativeZero.add(c30).intoArray(c, ci + 3 * ldc);
        negativeZero.add(c31).intoArray(c, ci + 3 * ldc + width);
    }

    /**
     * Eight rows' two vectors of columns starting at {@code b[bj]}, written from {@code c[ci]}: sixteen accumulators, so
     * that each B load feeds eight fused multiply-adds and each broadcast of A two (121 GFLOP/s against 96 for four rows,
     * 256 × 784 by 784 × 128 on one Xeon core); each lane the chain {@link #oneVector} computes.
     */
    private static void eightRowsOfTwoVectors(int depth, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c,
                                              int ci, int ldc) {
        int width = F.length();
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        FloatVector c71 = FloatVector.zero(F);
        for (int k = 0; k < depth; k++) {
            int bk = bj + k * ldb;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + width);
            FloatVector x = FloatVector.broadcast(F, a[ai + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ai + lda + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ai + 2 * lda + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ai + 3 * lda + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[ai + 4 * lda + k]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[ai + 5 * lda + k]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, a[ai + 6 * lda + k]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, a[ai + 7 * lda + k]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        FloatVector negativeZero = FloatVector.broadcast(F, -0f);
        negativeZero.add(c00).intoArray(c, ci);
        negativeZero.add(c01).intoArray(c, ci + width);
        negativeZero.add(c10).intoArray(c, ci + ldc);
        negativeZero.add(c11).intoArray(c, ci + ldc + width);
        negativeZero.add(c20).intoArray(c, ci + 2 * ldc);
        negativeZero.add(c21).intoArray(c, ci + 2 * ldc + width);
        negativeZero.add(c30).intoArray(c, ci + 3 * ldc);
        negativeZero.add(c31).intoArray(c, ci + 3 * ldc + width);
        negativeZero.add(c40).intoArray(c, ci + 4 * ldc);
        negativeZero.add(c41).intoArray(c, ci + 4 * ldc + width);
        negativeZero.add(c50).intoArray(c, ci + 5 * ldc);
        negativeZero.add(c51).intoArray(c, ci + 5 * ldc + width);
        negativeZero.add(c60).intoArray(c, ci + 6 * ldc);
        negativeZero.add(c61).intoArray(c, ci + 6 * ldc + width);
        negativeZero.add(c70).intoArray(c, ci + 7 * ldc);
        negativeZero.add(c71).intoArray(c, ci + 7 * ldc + width);
    }

    /**
     * Four rows' vector of columns starting at {@code b[bj]}, written from {@code c[ci]}: four chains of fused
     * multiply-adds side by side (one alone waits out each FMA's latency), each the chain {@link #oneVector} computes.
     */
    private static void fourRowsOfOneVector(int depth, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c,
                                            int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector c2 = FloatVector.zero(F);
        FloatVector c3 = FloatVector.zero(F);
        for (int k = 0; k < depth; k++) {
            FloatVector bk = FloatVector.fromArray(F, b, bj + k * ldb);
            c0 = FloatVector.broadcast(F, a[ai + k]).fma(bk, c0);
            c1 = FloatVector.broadcast(F, a[ai + lda + k]).fma(bk, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2 * lda + k]).fma(bk, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3 * lda + k]).fma(bk, c3);
        }
        FloatVector negativeZero = FloatVector.broadcast(F, -0f);
        negativeZero.add(c0).intoArray(c, ci);
        negativeZero.add(c1).intoArray(c, ci + ldc);
        negativeZero.add(c2).intoArray(c, ci + 2 * ldc);
        negativeZero.add(c3).intoArray(c, ci + 3 * ldc);
    }

    /** One row's vector of columns starting at {@code b[bj]}, written at {@code c[ci]}. */
    private static void oneVector(int depth, float[] a, int ai, float[] b, int bj, int ldb, float[] c, int ci) {
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < depth; k++) {
            acc = FloatVector.broadcast(F, a[ai + k]).fma(FloatVector.fromArray(F, b, bj + k * ldb), acc);
        }
        FloatVector.broadcast(F, -0f).add(acc).intoArray(c, ci);
    }
}
