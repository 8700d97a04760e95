package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class MaxPool2x2Test {
    /** Values on a coarse grid (tied maxima), with ±0, infinities and NaNs among them. */
    private static float[] plane(Rng rng, int size) {
        float[] x = new float[size + 3];
        for (int i = 0; i < x.length; i++) {
            int kind = rng.nextInt(20);
            x[i] = switch (kind) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> Float.NaN;
                case 3 -> Float.NEGATIVE_INFINITY;
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
                MaxPool2x2.forwardPlane(x, 3, h, w, y, 1, arg);
                float[] values = new float[outputs + 2];
                int[] args = new int[outputs + 2];
                MaxPool2x2.maxPlane(x, 3, h, w, values, 1);
                MaxPool2x2.forwardPlane(x, 3, h, w, new float[outputs], 0, args, 1);
                for (int o = 0; o < y.length; o++) {
                    assertEquals(Float.floatToIntBits(y[o]), Float.floatToIntBits(values[o]), h + "×" + w + " value " + o);   // any NaN as one (see BatchNormKernelTest)
                }
                assertArrayEquals(arg, args, h + "×" + w + " argmax");
            }
        }
    }
}
