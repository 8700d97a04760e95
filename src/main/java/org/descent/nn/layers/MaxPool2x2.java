package org.descent.nn.layers;

/**
 * The arithmetic of 2×2 max pooling with stride 2, one plane at a time, shared by {@link MaxPool2d} and the kernels
 * that fuse it with the layers before it: {@code y[r][c] = max(x[2r][2c], x[2r][2c+1], x[2r+1][2c], x[2r+1][2c+1])},
 * the first of equal maxima remembered for backward (row-major order within the window; {@code Math.max}, so −0 &lt; +0
 * and NaN wins). An odd last row or column is left out, as the window does not fit.
 */
public final class MaxPool2x2 {
    /** Whether the plane loops run on the Vector API ({@link MaxPool2x2Lanes}, the same bits). */
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

    /**
     * Pools the plane at {@code x[xOff]} into one value per window from {@code y[yOff]} ({@code ⌊h/2⌋ × ⌊w/2⌋} of an
     * {@code h × w} plane), and puts each window's argmax, an index into {@code x}, at {@code arg[argOff + j]} for
     * {@code y[yOff + j]}.
     */
    public static void forwardPlane(float[] x, int xOff, Windows windows, float[] y, int yOff, int[] arg, int argOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = VECTOR && offsets.length >= MaxPool2x2Lanes.length() ? MaxPool2x2Lanes.forwardPlane(x, xOff, windows, y, yOff, arg, argOff) : 0;
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
            y[yOff + j] = Math.max(maxTop, maxBottom);
            arg[argOff + j] = maxBottom > maxTop ? argBottom : argTop;
        }
    }

    /**
     * {@link #forwardPlane}'s values without the argmax, the same expressions: for an evaluation pass, which no backward
     * follows (a backward after one has forwardPlane recompute them).
     */
    public static void maxPlane(float[] x, int xOff, Windows windows, float[] y, int yOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = VECTOR && offsets.length >= MaxPool2x2Lanes.length() ? MaxPool2x2Lanes.maxPlane(x, xOff, windows, y, yOff) : 0;
        for (; j < offsets.length; j++) {
            int i0 = xOff + offsets[j];
            y[yOff + j] = Math.max(Math.max(x[i0], x[i0 + 1]), Math.max(x[i0 + w], x[i0 + w + 1]));
        }
    }

    /** {@code y[o] = max(+0, y[o])} for o in [from, to): the ReLU applied after pooling (it commutes with the max). */
    public static void rectify(float[] y, int from, int to) {
        for (int o = from; o < to; o++) {
            y[o] = Math.max(0f, y[o]);
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
     * {@link #routeRectified} into a zeroed {@code dx} for windows that do not overlap (2×2 with stride 2): each maximum
     * is stored, not added to the zero under it; {@code v + 0} is the bits of {@code 0 + v} (−0 becomes +0), without a
     * load that waits for the last store.
     */
    public static void routeRectifiedDisjoint(float[] dy, float[] y, int[] arg, int from, int to, float[] dx) {
        int o = VECTOR ? MaxPool2x2Lanes.routeRectifiedDisjoint(dy, y, arg, from, to, dx) : from;
        for (; o < to; o++) {
            dx[arg[o]] = rectifiedGradient(dy[o], y[o]) + 0f;
        }
    }

    /** ReLU's derivative as in {@link ReLU}: y ≥ +0, whose bits are 0 exactly when y = 0; dy where y &gt; 0, else +0. */
    private static float rectifiedGradient(float dy, float y) {
        int keep = ~((Float.floatToRawIntBits(y) - 1) >> 31);
        return Float.intBitsToFloat(Float.floatToRawIntBits(dy) & keep);
    }
}
