package org.descent.nn.layers;

import org.descent.tensor.FloatMath;

/**
 * The four 1-D transforms of Winograd's F(2, 3) that {@link Winograd3x3} applies along one dimension of its 4×4 (or
 * 2×2) tiles and then along the other, each over {@code count} consecutive tiles at once: input {@code k} of tile {@code q} at
 * {@code src[s + k·ss + q]}, output {@code k} at {@code dst[d + k·ds + q]}. Every output is computed from loaded inputs
 * before any is stored, so {@code dst} may be {@code src} at the same places. On the Vector API when the JVM has it
 * ({@link WinogradLanes}; the same operations lane by lane, so the same bits), the rest by the scalar loops.
 */
final class WinogradRows {
    private static final boolean VECTOR = FloatMath.vectorized();

    private WinogradRows() {
    }

    /** {@code Bᵀ d}: d0 − d2, d1 + d2, d2 − d1, d1 − d3. */
    static void inputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradLanes.inputForward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            dst[d + q] = a0 - a2;
            dst[d + ds + q] = a1 + a2;
            dst[d + 2 * ds + q] = a2 - a1;
            dst[d + 3 * ds + q] = a1 - a3;
        }
    }

    /** {@code B v}, the gradient of {@link #inputForward}: v0, v1 − v2 + v3, −v0 + v1 + v2, −v3. */
    static void inputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradLanes.inputBackward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            dst[d + q] = a0;
            dst[d + ds + q] = a1 - a2 + a3;
            dst[d + 2 * ds + q] = -a0 + a1 + a2;
            dst[d + 3 * ds + q] = -a3;
        }
    }

    /** {@code Aᵀ m}, four inputs to two outputs: m0 + m1 + m2, m1 − m2 − m3. */
    static void outputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradLanes.outputForward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            dst[d + q] = a0 + a1 + a2;
            dst[d + ds + q] = a1 - a2 - a3;
        }
    }

    /** {@code A g}, the gradient of {@link #outputForward}, two inputs to four outputs: g0, g0 + g1, g0 − g1, −g1. */
    static void outputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradLanes.outputBackward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            dst[d + q] = a0;
            dst[d + ds + q] = a0 + a1;
            dst[d + 2 * ds + q] = a0 - a1;
            dst[d + 3 * ds + q] = -a1;
        }
    }
}
