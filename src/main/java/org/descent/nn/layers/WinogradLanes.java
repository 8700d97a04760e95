package org.descent.nn.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradRows}' four 1-D transforms on the Vector API, over whole vectors of consecutive tiles. Each lane does
 * the scalar loop's operations in the same order, so the bits are the same; each method returns the first tile left
 * for that loop. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>Every vector is loaded as {@code −0 + x} (the same bits; −0 is the identity of IEEE addition) so that it has an
 * exact class when C2 parses the operations and stores on it (see {@code VectorFloatArrays}), and each method keeps at
 * most eight vectors live: a kernel with sixteen was compiled with boxed vectors.
 */
final class WinogradLanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private WinogradLanes() {
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, a, i));
    }

    /** {@link WinogradRows#inputForward}: d0 − d2, d1 + d2, d2 − d1, d1 − d3. */
    static int inputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            a0.sub(a2).intoArray(dst, d + q);
            a1.add(a2).intoArray(dst, d + ds + q);
            a2.sub(a1).intoArray(dst, d + 2 * ds + q);
            a1.sub(a3).intoArray(dst, d + 3 * ds + q);
        }
        return q;
    }

    /** {@link WinogradRows#inputBackward}: v0, v1 − v2 + v3, −v0 + v1 + v2, −v3. */
    static int inputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            a0.intoArray(dst, d + q);
            a1.sub(a2).add(a3).intoArray(dst, d + ds + q);
            a0.neg().add(a1).add(a2).intoArray(dst, d + 2 * ds + q);
            a3.neg().intoArray(dst, d + 3 * ds + q);
        }
        return q;
    }

    /** {@link WinogradRows#outputForward}: m0 + m1 + m2, m1 − m2 − m3. */
    static int outputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            FloatVector a2 = load(src, s + 2 * ss + q);
            FloatVector a3 = load(src, s + 3 * ss + q);
            a0.add(a1).add(a2).intoArray(dst, d + q);
            a1.sub(a2).sub(a3).intoArray(dst, d + ds + q);
        }
        return q;
    }

    /** {@link WinogradRows#outputBackward}: g0, g0 + g1, g0 − g1, −g1. */
    static int outputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        int q = 0;
        for (int end = F.loopBound(count); q < end; q += F.length()) {
            FloatVector a0 = load(src, s + q);
            FloatVector a1 = load(src, s + ss + q);
            a0.intoArray(dst, d + q);
            a0.add(a1).intoArray(dst, d + ds + q);
            a0.sub(a1).intoArray(dst, d + 2 * ds + q);
            a1.neg().intoArray(dst, d + 3 * ds + q);
        }
        return q;
    }
}
