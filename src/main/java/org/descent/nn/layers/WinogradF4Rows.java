package org.descent.nn.layers;

import org.descent.tensor.FloatMath;

/**
 * The four 1-D transforms of Winograd's F(4, 3) that {@link WinogradF4x4} applies along one dimension of its 6×6 (or
 * 4×6) tiles and then along the other, each over {@code count} consecutive tiles at once: input {@code k} of tile
 * {@code q} at {@code src[s + k·ss + q]}, output {@code k} at {@code dst[d + k·ds + q]}. With the matrices of Lavin and
 * Gray (points 0, ±1, ±2 and ∞):
 * <pre>
 *   Bᵀ = | 4  0 −5  0  1  0 |     Aᵀ = | 1  1  1  1  1  0 |
 *        | 0 −4 −4  1  1  0 |          | 0  1 −1  2 −2  0 |
 *        | 0  4 −4 −1  1  0 |          | 0  1  1  4  4  0 |
 *        | 0 −2 −1  2  1  0 |          | 0  1 −1  8 −8  1 |
 *        | 0  2 −1 −2  1  0 |
 *        | 0  4  0 −5  0  1 |
 * </pre>
 * {@link #inputForward} is {@code Bᵀ d}, {@link #inputBackward} its transpose {@code B v}, {@link #outputForward}
 * {@code Aᵀ m} and {@link #outputBackward} {@code A g}; each in the grouping written beside it, which shares the sums
 * of pairs the rows have in common. On the Vector API when the JVM has it ({@link WinogradF4Lanes}: the same
 * operations lane by lane, so the same bits), the rest by the scalar loops. {@code dst} must not overlap {@code src}.
 */
final class WinogradF4Rows {
    private static final boolean VECTOR = FloatMath.vectorized();

    private WinogradF4Rows() {
    }

    /**
     * {@code Bᵀ d}: (4d0 − 5d2) + d4, (d4 + d3) − 4(d1 + d2), (d4 − d3) + 4(d1 − d2), (d4 − d2) + 2(d3 − d1),
     * (d4 − d2) − 2(d3 − d1), (4d1 − 5d3) + d5.
     */
    static void inputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.inputForward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            float a4 = src[s + 4 * ss + q];
            float a5 = src[s + 5 * ss + q];
            float e = a4 - a2;
            float f = 2f * (a3 - a1);
            dst[d + q] = (4f * a0 - 5f * a2) + a4;
            dst[d + ds + q] = (a4 + a3) - 4f * (a1 + a2);
            dst[d + 2 * ds + q] = (a4 - a3) + 4f * (a1 - a2);
            dst[d + 3 * ds + q] = e + f;
            dst[d + 4 * ds + q] = e - f;
            dst[d + 5 * ds + q] = (4f * a1 - 5f * a3) + a5;
        }
    }

    /**
     * {@code B v}: 4v0, 4(v2 − v1 + v5) + 2(v4 − v3), (−5v0 − 4(v1 + v2)) − (v3 + v4), ((v1 − v2) + 2(v3 − v4)) − 5v5,
     * (v0 + (v1 + v2)) + (v3 + v4), v5.
     */
    static void inputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.inputBackward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            float a4 = src[s + 4 * ss + q];
            float a5 = src[s + 5 * ss + q];
            float s12 = a1 + a2;
            float s34 = a3 + a4;
            dst[d + q] = 4f * a0;
            dst[d + ds + q] = 4f * (a2 - a1 + a5) + 2f * (a4 - a3);
            dst[d + 2 * ds + q] = (-5f * a0 - 4f * s12) - s34;
            dst[d + 3 * ds + q] = ((a1 - a2) + 2f * (a3 - a4)) - 5f * a5;
            dst[d + 4 * ds + q] = (a0 + s12) + s34;
            dst[d + 5 * ds + q] = a5;
        }
    }

    /** {@code Aᵀ m}, six inputs to four outputs: (m0 + s12) + s34, d12 + 2·d34, s12 + 4·s34, (d12 + 8·d34) + m5, with s12 = m1 + m2, d12 = m1 − m2 (and s34, d34 of m3, m4). */
    static void outputForward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.outputForward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            float a4 = src[s + 4 * ss + q];
            float a5 = src[s + 5 * ss + q];
            float s12 = a1 + a2;
            float d12 = a1 - a2;
            float s34 = a3 + a4;
            float d34 = a3 - a4;
            dst[d + q] = (a0 + s12) + s34;
            dst[d + ds + q] = d12 + 2f * d34;
            dst[d + 2 * ds + q] = s12 + 4f * s34;
            dst[d + 3 * ds + q] = (d12 + 8f * d34) + a5;
        }
    }

    /** {@code A g}, four inputs to six outputs: g0, (g0 + g2) + (g1 + g3), (g0 + g2) − (g1 + g3), (g0 + 4g2) + (2g1 + 8g3), (g0 + 4g2) − (2g1 + 8g3), g3. */
    static void outputBackward(float[] src, int s, int ss, float[] dst, int d, int ds, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.outputBackward(src, s, ss, dst, d, ds, count) : 0; q < count; q++) {
            float a0 = src[s + q];
            float a1 = src[s + ss + q];
            float a2 = src[s + 2 * ss + q];
            float a3 = src[s + 3 * ss + q];
            float even = a0 + a2;
            float odd = a1 + a3;
            float even4 = a0 + 4f * a2;
            float odd8 = 2f * a1 + 8f * a3;
            dst[d + q] = a0;
            dst[d + ds + q] = even + odd;
            dst[d + 2 * ds + q] = even - odd;
            dst[d + 3 * ds + q] = even4 + odd8;
            dst[d + 4 * ds + q] = even4 - odd8;
            dst[d + 5 * ds + q] = a3;
        }
    }

    /** {@code dst[to + q] = src[off + map[q]]} for q &lt; count: a tile-by-tile gather of one position of every tile. */
    static void gather(float[] src, int off, int[] map, float[] dst, int to, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.gather(src, off, map, dst, to, count) : 0; q < count; q++) {
            dst[to + q] = src[off + map[q]];
        }
    }

    /** {@code dst[off + map[q]] = src[from + q]} for q &lt; count: {@link #gather}'s inverse. */
    static void scatter(float[] src, int from, float[] dst, int off, int[] map, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.scatter(src, from, dst, off, map, count) : 0; q < count; q++) {
            dst[off + map[q]] = src[from + q];
        }
    }

    /** {@code dst[off + map[q]] += src[from + q]} for q &lt; count; the places {@code off + map[q]} must be distinct. */
    static void scatterAdd(float[] src, int from, float[] dst, int off, int[] map, int count) {
        for (int q = VECTOR ? WinogradF4Lanes.scatterAdd(src, from, dst, off, map, count) : 0; q < count; q++) {
            dst[off + map[q]] += src[from + q];
        }
    }
}
