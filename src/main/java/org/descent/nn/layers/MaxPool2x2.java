package org.descent.nn.layers;

/**
 * The arithmetic of 2×2 max pooling with stride 2, one plane at a time, shared by {@link MaxPool2d} and the kernels
 * that fuse it with the layers before it: {@code y[r][c] = max(x[2r][2c], x[2r][2c+1], x[2r+1][2c], x[2r+1][2c+1])},
 * the first of equal maxima remembered for backward (row-major order within the window; {@code Math.max}, so −0 &lt; +0
 * and NaN wins). An odd last row or column is left out, as the window does not fit. The plane loops take a floor f
 * and write {@code max(f, y)}: +0 is a ReLU after the pooling (it commutes with the max), −∞ leaves y as it is, so a
 * fused ReLU costs no pass of its own. Of two NaNs with different bits in one window, which one the value is may differ
 * between the scalar loop and the vector one.
 */
public final class MaxPool2x2 {
    /** Whether the plane loops run on the Vector API ({@link MaxPool2x2Lanes}, the same bits but for which NaN, above). */
    private static final boolean VECTOR = org.descent.tensor.FloatMath.vectorized();

    private MaxPool2x2() {
    }

    /**
     * The windows of a plane, row-major: where each window's top-left value is, as an offset from the plane's start
     * ({@code 2r·w + 2c}), and the plane's width. A kernel makes them once per plane shape ({@link #windows}) and
     * passes them to the plane loops.
     */
    public static final class Windows {
        final int width;
        final int[] offsets;

        private Windows(int width, int[] offsets) {
            this.width = width;
            this.offsets = offsets;
        }
    }

    /** The {@link Windows} of an {@code h × w} plane. */
    public static Windows windows(int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        int[] offsets = new int[oh * ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                offsets[r * ow + c] = 2 * r * w + 2 * c;
            }
        }
        return new Windows(w, offsets);
    }

    /** The floor that leaves the pooled values as they are: {@code max(−∞, v)} is v, NaN and −0 included. */
    public static final float NO_FLOOR = Float.NEGATIVE_INFINITY;

    /** The floor of a ReLU after the pooling. */
    public static final float RELU_FLOOR = 0f;

    /**
     * Pools the plane at {@code x[xOff]} into one value per window from {@code y[yOff]} ({@code ⌊h/2⌋ × ⌊w/2⌋} of an
     * {@code h × w} plane), each {@code max(floor, ·)}, and puts each window's argmax, an index into {@code x}, at
     * {@code arg[argOff + j]} for {@code y[yOff + j]}.
     */
    public static void forwardPlane(float[] x, int xOff, Windows windows, float floor, float[] y, int yOff, int[] arg, int argOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = VECTOR && offsets.length >= MaxPool2x2Lanes.length() ? MaxPool2x2Lanes.forwardPlane(x, xOff, windows, floor, y, yOff, arg, argOff) : 0;
        for (; j < offsets.length; j++) {
            // Straight-line selects (≈5× a generic window loop).
            int i0 = xOff + offsets[j];
            int i1 = i0 + 1;
            int i2 = i0 + w;
            int i3 = i2 + 1;
            float a = x[i0];
            float b = x[i1];
            float cc = x[i2];
            float d = x[i3];
            float maxTop = Math.max(a, b);
            float maxBottom = Math.max(cc, d);
            int argTop = b > a ? i1 : i0;
            int argBottom = d > cc ? i3 : i2;
            y[yOff + j] = Math.max(floor, Math.max(maxTop, maxBottom));
            arg[argOff + j] = maxBottom > maxTop ? argBottom : argTop;
        }
    }

    /**
     * {@link #forwardPlane} with ReLU's floor, for a backward that routes without reading y ({@link #routeDisjoint}):
     * where backward will pass the gradient — the value's bits minus one are not negative, ReLU's rule (y &gt; 0, or a NaN
     * whose sign bit is clear; not +0, nor a NaN with the sign bit set, which x86 arithmetic makes) — the target is the
     * window's argmax; elsewhere it is {@code dump} (≥ 0), a slot of the gradient row that no one reads.
     */
    public static void forwardPlaneRouted(float[] x, int xOff, Windows windows, float[] y, int yOff, int[] target, int targetOff, int dump) {
        forwardPlane(x, xOff, windows, RELU_FLOOR, y, yOff, target, targetOff);
        int len = windows.offsets.length;
        int j = VECTOR && len >= MaxPool2x2Lanes.length() ? MaxPool2x2Lanes.routeTargets(y, yOff, target, targetOff, len, dump) : 0;
        for (; j < len; j++) {
            if (Float.floatToRawIntBits(y[yOff + j]) - 1 < 0) {
                target[targetOff + j] = dump;
            }
        }
    }

    /**
     * {@link #forwardPlane}'s values without the argmax, the same expressions: for an evaluation pass, which no backward
     * follows (a backward after one has forwardPlaneRouted recompute them).
     */
    public static void maxPlane(float[] x, int xOff, Windows windows, float floor, float[] y, int yOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = VECTOR && offsets.length >= MaxPool2x2Lanes.length() ? MaxPool2x2Lanes.maxPlane(x, xOff, windows, floor, y, yOff) : 0;
        for (; j < offsets.length; j++) {
            int i0 = xOff + offsets[j];
            y[yOff + j] = Math.max(floor, Math.max(Math.max(x[i0], x[i0 + 1]), Math.max(x[i0 + w], x[i0 + w + 1])));
        }
    }

    /**
     * Backward of a rectified pooling for outputs o in [from, to): {@code dx[arg[o]] += dy[o]} where {@code y[o] > 0},
     * +0 added elsewhere.
     */
    public static void routeRectified(float[] dy, float[] y, int[] arg, int from, int to, float[] dx) {
        for (int o = from; o < to; o++) {
            dx[arg[o]] += rectifiedGradient(dy[o], y[o]);
        }
    }

    /**
     * Backward of {@link #forwardPlaneRouted} into a zeroed {@code dx}, for outputs o in [from, to):
     * {@code dx[target[o]] = dy[o] + 0} (−0 becomes +0, the bits of {@code 0 + dy}). The windows do not overlap, so each
     * argmax is stored, not added to the zero under it; a gradient that does not pass goes to the dump slot. A scalar
     * loop: JDK 17's vector scatter ran its index arithmetic in the API's Java fallback, slower than this.
     */
    public static void routeDisjoint(float[] dy, int[] target, int from, int to, float[] dx) {
        for (int o = from; o < to; o++) {
            dx[target[o]] = dy[o] + 0f;
        }
    }

    /** ReLU's derivative as in {@link ReLU}: y ≥ +0, whose bits are 0 exactly when y = 0; dy where y &gt; 0, else +0. */
    private static float rectifiedGradient(float dy, float y) {
        int keep = ~((Float.floatToRawIntBits(y) - 1) >> 31);
        return Float.intBitsToFloat(Float.floatToRawIntBits(dy) & keep);
    }
}
