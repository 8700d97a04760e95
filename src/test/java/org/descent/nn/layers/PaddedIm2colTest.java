package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class PaddedIm2colTest {
    /** The same matrices, bit for bit, as Geometry's im2col, for consecutive examples written back to back. */
    @Test
    void givesGeometrysMatrices() {
        check(Shape.of(3, 7, 9), 3, 3, 1);
        check(Shape.of(2, 6, 5), 5, 3, 2);
        check(Shape.of(1, 28, 28), 3, 3, 1);
        check(Shape.of(2, 4, 4), 2, 2, 0);
        check(Shape.of(1, 3, 40), 1, 3, 0);
    }

    private static void check(Shape in, int kh, int kw, int pad) {
        Geometry g = Geometry.of("conv2d", in, kh, kw, 1, pad);
        Rng rng = new Rng(kh + 7 * pad);
        int n = 3;
        float[] x = new float[n * g.inSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 9 == 0 ? -0f : rng.nextFloat() - 0.5f;
        }
        int size = g.patch() * g.outPlane();
        float[] expected = new float[n * size];
        for (int e = 0; e < n; e++) {
            g.im2col(x, e * g.inSize(), expected, e * size);
        }
        float[] actual = new float[n * size + PaddedIm2col.SLACK];
        Arrays.fill(actual, Float.NaN);
        PaddedIm2col lowering = new PaddedIm2col(g);
        for (int e = 0; e < n; e++) {
            lowering.im2col(x, e * g.inSize(), actual, e * size);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    in + " kernel " + kh + "×" + kw + " pad " + pad + " at " + i);
        }
    }

    @Test
    void refusesStridesOtherThanOne() {
        Geometry g = Geometry.of("conv2d", Shape.of(1, 5, 5), 3, 3, 2, 1);
        assertEquals(false, PaddedIm2col.appliesTo(g));
        assertThrows(IllegalArgumentException.class, () -> new PaddedIm2col(g));
    }
}
