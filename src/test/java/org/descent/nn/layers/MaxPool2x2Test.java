package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link MaxPool2x2} against the window's definition, one window at a time, over even and odd plane sizes; the values
 * include ties, −0 beside +0, infinities and NaN, where the first of equal maxima and {@code Math.max}'s order decide.
 */
class MaxPool2x2Test {
    private static final float SENTINEL = 12345f;

    /**
     * Values on a coarse grid (tied maxima), with ±0, infinities and NaNs among them: one NaN per plane, Java's or x86's
     * default one with the sign bit set. (Of two different NaNs in a window, which one {@code max} returns is not the same
     * in the scalar loop and in vector instructions; a NaN's bits beyond its being NaN are outside what pooling promises.)
     */
    private static float[] plane(Rng rng, int size) {
        float[] x = new float[size + 3];
        float nan = rng.nextInt(2) == 0 ? Float.NaN : Float.intBitsToFloat(0xffc00000);
        for (int i = 0; i < x.length; i++) {
            int kind = rng.nextInt(20);
            x[i] = switch (kind) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2, 5 -> nan;
                case 3 -> Float.NEGATIVE_INFINITY;
                case 4 -> Float.POSITIVE_INFINITY;
                default -> Math.round(rng.nextGaussian() * 2) / 2f;
            };
        }
        return x;
    }

    /**
     * The values alone ({@link MaxPool2x2#maxPlane}) are {@link MaxPool2x2#forwardPlane}'s, bit for bit (any NaN counted
     * as one), and the argmax written elsewhere than the values is the same argmax, over odd and even planes at an offset.
     */
    @Test
    void valuesAloneAndArgmaxElsewhereAreForwardPlanes() {
        Rng rng = new Rng(12);
        for (int h = 2; h <= 9; h++) {
            for (int w = 2; w <= 11; w += 3) {
                float[] x = plane(rng, h * w);
                int outputs = (h / 2) * (w / 2);
                float[] y = new float[outputs + 2];
                int[] arg = new int[outputs + 2];
                MaxPool2x2.forwardPlane(x, 3, MaxPool2x2.windows(h, w), MaxPool2x2.NO_FLOOR, y, 1, arg, 1);
                float[] values = new float[outputs + 2];
                int[] args = new int[outputs + 2];
                MaxPool2x2.maxPlane(x, 3, MaxPool2x2.windows(h, w), MaxPool2x2.NO_FLOOR, values, 1);
                MaxPool2x2.forwardPlane(x, 3, MaxPool2x2.windows(h, w), MaxPool2x2.NO_FLOOR, new float[outputs], 0, args, 1);
                for (int o = 0; o < y.length; o++) {
                    assertEquals(Float.floatToIntBits(y[o]), Float.floatToIntBits(values[o]), h + "×" + w + " value " + o);   // any NaN as one (see BatchNormKernelTest)
                }
                assertArrayEquals(arg, args, h + "×" + w + " argmax");
            }
        }
    }

    @Test
    void poolsEveryPlaneSizeLikeTheWindowDefinition() {
        Rng rng = new Rng(5);
        int planes = 3;
        for (int h = 2; h <= 31; h += (h < 10 ? 1 : 3)) {
            for (int w = 2; w <= 40; w += (w < 20 ? 1 : 4)) {
                checkPlanes(rng, h, w, planes);
            }
        }
    }

    /**
     * The same after the JIT has compiled forwardPlane and maxPlane (C2 has its own Math.max, and compiles the vector
     * loop's gathers and selects to instructions): fashion-cnn's two plane sizes, pooled many times first; the values
     * alone still forwardPlane's.
     */
    @Test
    void compiledForwardPlanePoolsLikeTheWindowDefinition() {
        Rng rng = new Rng(6);
        float[] x = plane(rng, 4 * 28 * 28);
        float[] y = new float[4 * 14 * 14 + 16];
        int[] arg = new int[y.length];
        MaxPool2x2.Windows large = MaxPool2x2.windows(28, 28);
        MaxPool2x2.Windows small = MaxPool2x2.windows(14, 14);
        for (int i = 0; i < 60_000; i++) {
            MaxPool2x2.forwardPlane(x, (i & 3) * 28 * 28, large, MaxPool2x2.NO_FLOOR, y, (i & 3) * 196, arg, (i & 3) * 196);
            MaxPool2x2.forwardPlane(x, (i & 3) * 14 * 14, small, MaxPool2x2.NO_FLOOR, y, (i & 3) * 49, arg, (i & 3) * 49);
            MaxPool2x2.maxPlane(x, (i & 3) * 28 * 28, large, MaxPool2x2.NO_FLOOR, y, (i & 3) * 196);
            MaxPool2x2.maxPlane(x, (i & 3) * 14 * 14, small, MaxPool2x2.NO_FLOOR, y, (i & 3) * 49);
        }
        for (int rep = 0; rep < 20; rep++) {
            checkPlanes(rng, 28, 28, 4);
            checkPlanes(rng, 14, 14, 8);
            for (int size : new int[] {28, 14}) {
                float[] planeValues = plane(rng, size * size);
                int outputs = size * size / 4;
                float[] pooled = new float[outputs];
                float[] values = new float[outputs];
                MaxPool2x2.forwardPlane(planeValues, 0, size == 28 ? large : small, MaxPool2x2.NO_FLOOR, pooled, 0, new int[outputs], 0);
                MaxPool2x2.maxPlane(planeValues, 0, size == 28 ? large : small, MaxPool2x2.NO_FLOOR, values, 0);
                for (int o = 0; o < outputs; o++) {
                    assertEquals(Float.floatToIntBits(pooled[o]), Float.floatToIntBits(values[o]), size + "×" + size + " value " + o);
                }
            }
        }
    }

    /**
     * With ReLU's floor, each value is {@code Math.max(+0, v)} of the unfloored pooling's v, bit for bit (−0 becomes +0,
     * a NaN passes as it is), and the argmax is unchanged: in the vector loop and its scalar tail (odd sizes, 14 × 14's
     * 49 windows), before and after the JIT compiles them.
     */
    @Test
    void reluFloorIsTheMaxWithZeroOfEachPooledValue() {
        Rng rng = new Rng(9);
        for (int rep = 0; rep < 4000; rep++) {
            int size = switch (rep % 4) {
                case 0 -> 28;
                case 1 -> 14;
                case 2 -> 9;
                default -> 2 + rng.nextInt(30);
            };
            float[] x = plane(rng, size * size);
            MaxPool2x2.Windows windows = MaxPool2x2.windows(size, size);
            int outputs = (size / 2) * (size / 2);
            float[] plain = new float[outputs];
            int[] plainArg = new int[outputs];
            float[] floored = new float[outputs];
            int[] flooredArg = new int[outputs];
            float[] values = new float[outputs];
            MaxPool2x2.forwardPlane(x, 1, windows, MaxPool2x2.NO_FLOOR, plain, 0, plainArg, 0);
            MaxPool2x2.forwardPlane(x, 1, windows, MaxPool2x2.RELU_FLOOR, floored, 0, flooredArg, 0);
            MaxPool2x2.maxPlane(x, 1, windows, MaxPool2x2.RELU_FLOOR, values, 0);
            for (int o = 0; o < outputs; o++) {
                int expected = Float.floatToRawIntBits(Math.max(0f, plain[o]));
                assertEquals(expected, Float.floatToRawIntBits(floored[o]), size + "×" + size + " value " + o);
                assertEquals(expected, Float.floatToRawIntBits(values[o]), size + "×" + size + " value alone " + o);
            }
            assertArrayEquals(plainArg, flooredArg, size + "×" + size + " argmax");
        }
    }

    /**
     * Windows written out by hand with the value and the position (0 top-left, 1 top-right, 2 bottom-left, 3
     * bottom-right) the layer gives them: a tie goes to the first position, −0 and +0 compare equal and the maximum of
     * the two is +0. A NaN wins the value; the position is then the one the comparisons (false for a NaN) leave: the top
     * pair's unless the bottom pair's maximum is greater, so for a NaN in the bottom row the top pair's maximum.
     */
    @Test
    void handWrittenWindowsGetTheirValueAndPosition() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[][] windows = {
                {1, 1, 1, 1}, {0, 2, 2, 2}, {0, 1, 3, 3}, {-1, -2, -3, -1},
                {-0f, 0f, 0f, 0f}, {0f, -0f, -0f, 0f}, {-0f, -0f, -0f, -0f},
                {nan, 1, 2, 3}, {1, 2, nan, 3}, {nan, inf, 1, 2}, {1, inf, nan, 0},
                {inf, 1, 2, inf}, {-inf, -inf, -inf, -1},
        };
        float[] values = {1, 2, 3, -1, 0f, 0f, -0f, nan, nan, nan, nan, inf, -1};
        int[] positions = {0, 1, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0, 3};
        int w = 32;   // every window of a 2 × 32 plane the same
        for (int k = 0; k < windows.length; k++) {
            float[] window = windows[k];
            float[] x = new float[2 * w];
            for (int c = 0; c < w / 2; c++) {
                x[2 * c] = window[0];
                x[2 * c + 1] = window[1];
                x[w + 2 * c] = window[2];
                x[w + 2 * c + 1] = window[3];
            }
            float[] y = new float[w / 2];
            int[] arg = new int[w / 2];
            MaxPool2x2.forwardPlane(x, 0, MaxPool2x2.windows(2, w), MaxPool2x2.NO_FLOOR, y, 0, arg, 0);
            for (int c = 0; c < w / 2; c++) {
                String what = Arrays.toString(window) + ", window " + c;
                assertEquals(Float.floatToIntBits(values[k]), Float.floatToIntBits(y[c]), what);   // any NaN as one, −0 apart from +0
                int position = positions[k];
                assertEquals(2 * c + (position & 1) + (position >> 1) * w, arg[c], what);
            }
        }
    }

    /**
     * {@link MaxPool2x2#forwardPlaneRouted} gives forwardPlane's values under ReLU's floor, and for targets the argmax
     * where ReLU passes the gradient (the value's bits minus one not negative: not +0, nor a NaN with the sign bit set,
     * which x86 arithmetic makes) and the dump slot elsewhere; {@link MaxPool2x2#routeDisjoint} then stores dy + 0 (−0
     * becoming +0) at each target, leaving every other entry of the row +0. Planes of fashion-cnn's sizes and odd ones,
     * runs of outputs that start and end inside a vector, before and after the JIT compiles the loops.
     */
    @Test
    void routesEachPassingGradientToItsWindowsArgmaxAndTheRestToTheDump() {
        Rng rng = new Rng(8);
        for (int rep = 0; rep < 3000; rep++) {
            int size = switch (rep % 3) {
                case 0 -> 28;
                case 1 -> 14;
                default -> 3 + rng.nextInt(26);
            };
            int outputs = (size / 2) * (size / 2);
            MaxPool2x2.Windows windows = MaxPool2x2.windows(size, size);
            float[] x = plane(rng, size * size);
            float[] y = new float[outputs];
            int[] arg = new int[outputs];
            MaxPool2x2.forwardPlane(x, 0, windows, MaxPool2x2.RELU_FLOOR, y, 0, arg, 0);
            float[] routedY = new float[outputs];
            int[] target = new int[outputs];
            int dump = size * size;
            MaxPool2x2.forwardPlaneRouted(x, 0, windows, routedY, 0, target, 0, dump);
            for (int o = 0; o < outputs; o++) {
                String at = size + "×" + size + " window " + o;
                assertEquals(Float.floatToRawIntBits(y[o]), Float.floatToRawIntBits(routedY[o]), at);
                boolean passes = Float.floatToRawIntBits(y[o]) - 1 >= 0;   // ReLU's rule on the bits
                assertEquals(passes ? arg[o] : dump, target[o], at + " target, y bits " + Integer.toHexString(Float.floatToRawIntBits(y[o])));
            }
            float[] dy = new float[outputs];
            for (int o = 0; o < outputs; o++) {
                dy[o] = o % 11 == 0 ? -0f : o % 13 == 0 ? Float.NaN : (float) rng.nextGaussian();
            }
            int from = rep < 2500 ? 0 : rng.nextInt(outputs / 2 + 1);
            int to = rep < 2500 ? outputs : outputs / 2 + rng.nextInt(outputs - outputs / 2 + 1);
            float[] dx = new float[size * size + 1];
            MaxPool2x2.routeDisjoint(dy, target, from, to, dx);
            float[] expected = new float[size * size];
            for (int o = from; o < to; o++) {
                expected[arg[o]] = (Float.floatToRawIntBits(y[o]) - 1 >= 0 ? dy[o] : 0f) + 0f;
            }
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dx[i]), size + "×" + size + " [" + from + ", " + to + ") at " + i);
            }
        }
    }

    /** {@code planes} random h × w planes pooled one after another at offsets, the argmax apart from the values. */
    private static void checkPlanes(Rng rng, int h, int w, int planes) {
        float[] x = plane(rng, planes * h * w);
        int plane = (h / 2) * (w / 2);
        int xOff = 1;
        int yOff = 2;
        int argOff = 5;
        float[] y = new float[planes * plane + 4];
        int[] arg = new int[planes * plane + 8];
        Arrays.fill(y, SENTINEL);
        Arrays.fill(arg, -7);
        MaxPool2x2.Windows windows = MaxPool2x2.windows(h, w);
        for (int p = 0; p < planes; p++) {
            MaxPool2x2.forwardPlane(x, xOff + p * h * w, windows, MaxPool2x2.NO_FLOOR, y, yOff + p * plane, arg, argOff + p * plane);
        }
        for (int p = 0; p < planes; p++) {
            assertPlane(x, xOff + p * h * w, h, w, y, arg, yOff + p * plane, argOff + p * plane, h + "×" + w + " plane " + p);
        }
        String where = h + "×" + w + ": outside the planes";
        assertEquals(SENTINEL, y[0], where);
        assertEquals(SENTINEL, y[1], where);
        assertEquals(SENTINEL, y[y.length - 2], where);
        assertEquals(SENTINEL, y[y.length - 1], where);
        for (int i = 0; i < argOff; i++) {
            assertEquals(-7, arg[i], where);
        }
        for (int i = argOff + planes * plane; i < arg.length; i++) {
            assertEquals(-7, arg[i], where);
        }
    }

    /**
     * Each window's value and position by the layer's definition: Math.max of the two pairs' Math.max, and the first
     * position (row-major) holding it, compared as the class Javadoc says ({@link #handWrittenWindowsGetTheirValueAndPosition}
     * pins the rule down on written-out windows, NaN included).
     */
    private static void assertPlane(float[] x, int xOff, int h, int w, float[] y, int[] arg, int yOff, int argOff, String what) {
        for (int r = 0; r < h / 2; r++) {
            for (int c = 0; c < w / 2; c++) {
                int[] at = {xOff + 2 * r * w + 2 * c, xOff + 2 * r * w + 2 * c + 1, xOff + (2 * r + 1) * w + 2 * c,
                        xOff + (2 * r + 1) * w + 2 * c + 1};
                float top = Math.max(x[at[0]], x[at[1]]);
                float bottom = Math.max(x[at[2]], x[at[3]]);
                float max = Math.max(top, bottom);
                int first = x[at[1]] > x[at[0]] ? at[1] : at[0];
                if (bottom > top) {
                    first = x[at[3]] > x[at[2]] ? at[3] : at[2];
                }
                int o = r * (w / 2) + c;
                String window = what + ", window (" + r + ", " + c + ")";
                assertEquals(Float.floatToIntBits(max), Float.floatToIntBits(y[yOff + o]), window);   // any NaN as one, −0 apart from +0
                assertEquals(first, arg[argOff + o], window);
            }
        }
    }
}
