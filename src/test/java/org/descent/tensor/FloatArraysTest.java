package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FloatArraysTest {
    /** The vector loop and its scalar tail give each element's one IEEE addition, at any length and offsets. */
    @Test
    void addsElementByElement() {
        Rng rng = new Rng(2);
        for (int len : new int[] {0, 1, 7, 16, 17, 63, 224, 230}) {
            float[] src = new float[len + 5];
            float[] dst = new float[len + 9];
            for (int i = 0; i < src.length; i++) {
                src[i] = i % 7 == 0 ? -0f : rng.nextFloat() - 0.5f;
            }
            for (int i = 0; i < dst.length; i++) {
                dst[i] = i % 5 == 0 ? -0f : rng.nextFloat() * 3;
            }
            float[] expected = dst.clone();
            for (int i = 0; i < len; i++) {
                expected[4 + i] += src[3 + i];
            }
            FloatArrays.add(src, 3, dst, 4, len);
            for (int i = 0; i < dst.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dst[i]), "length " + len + " at " + i);
            }
        }
    }
}
