package org.descent.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowSums}' float sums on the Vector API: the floats widened to double a vector at a time into one accumulator
 * per lane, the lanes then added in lane order (not by {@code reduceLanes}, whose order is unspecified), so a sum is
 * the same number on every run of a given JVM and machine. Each sum covers {@code [off, off + covered(len))}; the
 * caller adds the tail.
 */
final class VectorRowSums {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private VectorRowSums() {
    }

    /** Lanes of a vector of doubles. */
    static int length() {
        return D.length();
    }

    /** The scratch the sums take: room for four vectors' lanes (the four-row sums). */
    static int scratchLength() {
        return 4 * D.length();
    }

    /** The elements the vector loop covers out of {@code len}. */
    static int covered(int len) {
        return D.loopBound(len);
    }

    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * {@code 0 + lane 0 + lane 1 + …}, left to right. The lanes go through the caller's scratch array, not
     * {@code lane(l)}: with a variable l, C2 left that call to the API's Java fallback (1.6 % of fashion-cnn's training
     * samples). Not a {@code ThreadLocal} either: in Spark's task threads, whose maps hold many, its lookup missed its
     * slot and probed ({@code ThreadLocalMap.getEntryAfterMiss}, 0.9–1.7 % of the samples).
     */
    private static double lanes(DoubleVector sums, double[] lanes) {
        // −0 + v = v in every lane; it gives the store a receiver of an exact class (see VectorFixedOrderProduct).
        DoubleVector.broadcast(D, -0.0).add(sums).intoArray(lanes, 0);
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += lanes[l];
        }
        return s;
    }

    /** {@link #lanes(DoubleVector, double[])} of four vectors into {@code out[at …]}: one trip through the scratch. */
    private static void lanes(DoubleVector a0, DoubleVector a1, DoubleVector a2, DoubleVector a3, double[] out, int at, double[] lanes) {
        int n = D.length();
        DoubleVector.broadcast(D, -0.0).add(a0).intoArray(lanes, 0);
        DoubleVector.broadcast(D, -0.0).add(a1).intoArray(lanes, n);
        DoubleVector.broadcast(D, -0.0).add(a2).intoArray(lanes, 2 * n);
        DoubleVector.broadcast(D, -0.0).add(a3).intoArray(lanes, 3 * n);
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int l = 0; l < n; l++) {
            s0 += lanes[l];
            s1 += lanes[n + l];
            s2 += lanes[2 * n + l];
            s3 += lanes[3 * n + l];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    static double sum(float[] x, int off, int len, double[] scratch) {
        DoubleVector acc = DoubleVector.zero(D);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            acc = widen(x, i).add(acc);
        }
        return lanes(acc, scratch);
    }

    static double squaredDeviations(float[] x, int off, int len, double mean, double[] scratch) {
        DoubleVector acc = DoubleVector.zero(D);
        DoubleVector m = DoubleVector.broadcast(D, mean);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            DoubleVector d = widen(x, i).sub(m);
            acc = d.mul(d).add(acc);
        }
        return lanes(acc, scratch);
    }

    /** Σ of the float products a·b (rounded to float, then widened). */
    static double products(float[] a, float[] b, int off, int len, double[] scratch) {
        DoubleVector acc = DoubleVector.zero(D);
        for (int i = off, end = off + covered(len); i < end; i += D.length()) {
            acc = product(a, b, i).add(acc);
        }
        return lanes(acc, scratch);
    }

    /** {@link #sum} of four rows {@code stride} apart into {@code out[at …]}: one accumulator per row, the same bits. */
    static void sums(float[] x, int off, int stride, int len, double[] out, int at, double[] scratch) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        for (int i = 0, end = covered(len); i < end; i += D.length()) {
            a0 = widen(x, off + i).add(a0);
            a1 = widen(x, off + stride + i).add(a1);
            a2 = widen(x, off + 2 * stride + i).add(a2);
            a3 = widen(x, off + 3 * stride + i).add(a3);
        }
        lanes(a0, a1, a2, a3, out, at, scratch);
    }

    /** {@link #squaredDeviations} of four rows {@code stride} apart into {@code out[at …]}, the same bits. */
    static void squaredDeviations(float[] x, int off, int stride, int len, double mean, double[] out, int at, double[] scratch) {
        DoubleVector m = DoubleVector.broadcast(D, mean);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        for (int i = 0, end = covered(len); i < end; i += D.length()) {
            DoubleVector d0 = widen(x, off + i).sub(m);
            DoubleVector d1 = widen(x, off + stride + i).sub(m);
            DoubleVector d2 = widen(x, off + 2 * stride + i).sub(m);
            DoubleVector d3 = widen(x, off + 3 * stride + i).sub(m);
            a0 = d0.mul(d0).add(a0);
            a1 = d1.mul(d1).add(a1);
            a2 = d2.mul(d2).add(a2);
            a3 = d3.mul(d3).add(a3);
        }
        lanes(a0, a1, a2, a3, out, at, scratch);
    }

    /** {@link #products} of four rows {@code stride} apart (in both arrays) into {@code out[at …]}, the same bits. */
    static void products(float[] a, float[] b, int off, int stride, int len, double[] out, int at, double[] scratch) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        for (int i = 0, end = covered(len); i < end; i += D.length()) {
            a0 = product(a, b, off + i).add(a0);
            a1 = product(a, b, off + stride + i).add(a1);
            a2 = product(a, b, off + 2 * stride + i).add(a2);
            a3 = product(a, b, off + 3 * stride + i).add(a3);
        }
        lanes(a0, a1, a2, a3, out, at, scratch);
    }

    /** The float products {@code a[i]·b[i]} of one vector, widened. */
    private static DoubleVector product(float[] a, float[] b, int i) {
        return (DoubleVector) FloatVector.fromArray(HALF, a, i).mul(FloatVector.fromArray(HALF, b, i)).convertShape(VectorOperators.F2D, D, 0);
    }
}
