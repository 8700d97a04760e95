package org.descent.nn.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF4Rows}' four 1-D transforms on the Vector API, over whole vectors of consecutive tiles. Each lane
 * does the scalar loop's operations in the same order, so the bits are the same; each method returns the first tile
 * left for that loop. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>Vectors are loaded as {@code −0 + x} (the same bits) for an exact receiver class, as in {@link WinogradLanes};
 * constants are vectors made before the loop; and each transform is two loops, each writing half of the outputs (the
 * loads are from L1 the second time). With all six outputs in one loop, or {@code mul(float)} inside it, C2 (JDK 17)
 * stopped inlining the API's calls and left the stores to its Java fallback, 2× slower for the whole convolution.
 */
final class WinogradF4Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private WinogradF4Lanes() {
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, a, i));
    }

    /** {@link WinogradF4Rows#inputForward}. */
    static int inputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        inputForwardFirst(src, s, ss, dst, d, ds, count);
        return inputForwardLast(src, s, ss, dst, d, ds, count);
    }

    private static void inputForwardFirst(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector five = FloatVector.broadcast(F, 5f);
        for (int q = 0, end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            a0.mul(four).sub(a2.mul(five)).add(a4).intoArray(dst, d + q);
            a4.add(a3).sub(a1.add(a2).mul(four)).intoArray(dst, d + ds + q);
            a4.sub(a3).add(a1.sub(a2).mul(four)).intoArray(dst, d + 2 * ds + q);
        }
    }

    private static int inputForwardLast(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector five = FloatVector.broadcast(F, 5f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            FloatVector e = a4.sub(a2);
            FloatVector f = a3.sub(a1).mul(two);
            e.add(f).intoArray(dst, d + 3 * ds + q);
            e.sub(f).intoArray(dst, d + 4 * ds + q);
            a1.mul(four).sub(a3.mul(five)).add(load(src, s + 5 * ss + q)).intoArray(dst, d + 5 * ds + q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#inputBackward}. */
    static int inputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        inputBackwardFirst(src, s, ss, dst, d, ds, count);
        return inputBackwardLast(src, s, ss, dst, d, ds, count);
    }

    private static void inputBackwardFirst(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        FloatVector minusFive = FloatVector.broadcast(F, -5f);
        for (int q = 0, end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            a0.mul(four).intoArray(dst, d + q);
            a2.sub(a1).add(load(src, s + 5 * ss + q)).mul(four).add(a4.sub(a3).mul(two)).intoArray(dst, d + ds + q);
            a0.mul(minusFive).sub(a1.add(a2).mul(four)).sub(a3.add(a4)).intoArray(dst, d + 2 * ds + q);
        }
    }

    private static int inputBackwardLast(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector five = FloatVector.broadcast(F, 5f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            FloatVector a5 = load(src, s + 5 * ss + q);
            a1.sub(a2).add(a3.sub(a4).mul(two)).sub(a5.mul(five)).intoArray(dst, d + 3 * ds + q);
            a0.add(a1.add(a2)).add(a3.add(a4)).intoArray(dst, d + 4 * ds + q);
            a5.intoArray(dst, d + 5 * ds + q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#outputForward}. */
    static int outputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        outputForwardFirst(src, s, ss, dst, d, ds, count);
        return outputForwardLast(src, s, ss, dst, d, ds, count);
    }

    private static void outputForwardFirst(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector two = FloatVector.broadcast(F, 2f);
        for (int q = 0, end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            load(src, s + q).add(a1.add(a2)).add(a3.add(a4)).intoArray(dst, d + q);
            a1.sub(a2).add(a3.sub(a4).mul(two)).intoArray(dst, d + ds + q);
        }
    }

    private static int outputForwardLast(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector eight = FloatVector.broadcast(F, 8f);
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector a4 = load(src, s + 4 * ss + q);
            a1.add(a2).add(a3.add(a4).mul(four)).intoArray(dst, d + 2 * ds + q);
            a1.sub(a2).add(a3.sub(a4).mul(eight)).add(load(src, s + 5 * ss + q)).intoArray(dst, d + 3 * ds + q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#outputBackward}. */
    static int outputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        outputBackwardFirst(src, s, ss, dst, d, ds, count);
        return outputBackwardLast(src, s, ss, dst, d, ds, count);
    }

    private static void outputBackwardFirst(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = 0, end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector even = a0.add(a2);
            FloatVector odd = a1.add(a3);
            a0.intoArray(dst, d + q);
            even.add(odd).intoArray(dst, d + ds + q);
            even.sub(odd).intoArray(dst, d + 2 * ds + q);
        }
    }

    private static int outputBackwardLast(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        FloatVector eight = FloatVector.broadcast(F, 8f);
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            FloatVector even4 = a0.add(a2.mul(four));
            FloatVector odd8 = a1.mul(two).add(a3.mul(eight));
            even4.add(odd8).intoArray(dst, d + 3 * ds + q);
            even4.sub(odd8).intoArray(dst, d + 4 * ds + q);
            a3.intoArray(dst, d + 5 * ds + q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#gather}: whole vectors of {@code dst[to + q] = src[off + map[q]]}. */
    static int gather(float[] src, int off, int[] map, float[] dst, int to, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector.fromArray(F, src, off, map, q).intoArray(dst, to + q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#scatter}: whole vectors of {@code dst[off + map[q]] = src[from + q]}. */
    static int scatter(float[] src, int from, float[] dst, int off, int[] map, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector.fromArray(F, src, from + q).intoArray(dst, off, map, q);
        }
        return q;
    }

    /** {@link WinogradF4Rows#scatterAdd}: whole vectors of {@code dst[off + map[q]] += src[from + q]} (distinct places). */
    static int scatterAdd(float[] src, int from, float[] dst, int off, int[] map, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector.fromArray(F, dst, off, map, q).add(FloatVector.fromArray(F, src, from + q)).intoArray(dst, off, map, q);
        }
        return q;
    }
}
