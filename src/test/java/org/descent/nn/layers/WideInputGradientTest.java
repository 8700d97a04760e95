package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.descent.tensor.Blas;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class WideInputGradientTest {
    /** ∂L/∂x through the wide layout equals col2im(Wᵀ G) to float rounding, for square and oblong kernels and paddings. */
    @Test
    void equalsCol2imOfTheProduct() {
        check(Shape.of(3, 7, 9), 4, 3, 3, 1);
        check(Shape.of(2, 6, 5), 3, 5, 3, 2);
        check(Shape.of(1, 4, 4), 2, 2, 2, 0);
    }

    private static void check(Shape in, int outChannels, int kh, int kw, int pad) {
        Geometry g = Geometry.of("conv2d", in, kh, kw, 1, pad);
        Rng rng = new Rng(kh * 10 + pad);
        float[] w = new float[outChannels * g.patch() + 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextFloat() - 0.5f;
        }
        int plane = g.outPlane();
        float[] dy = new float[2 * outChannels * plane];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = rng.nextFloat() - 0.5f;
        }
        WideInputGradient wide = new WideInputGradient(g, outChannels);
        for (int e = 0; e < 2; e++) {
            float[] dcols = new float[g.patch() * plane];
            Blas.gemm(true, false, g.patch(), plane, outChannels, 1f, w, 3, dy, e * outChannels * plane, 0f, dcols, 0);
            float[] expected = new float[g.inSize() + 1];
            g.col2imAdd(dcols, 0, expected, 1);
            float[] actual = new float[g.inSize() + 1];
            actual[0] = 42f;
            wide.compute(w, 3, dy, e * outChannels * plane, actual, 1);
            assertEquals(42f, actual[0], "nothing written before the example");
            for (int i = 1; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f * (1 + Math.abs(expected[i])), in + " kernel " + kh + "×" + kw + " pad " + pad + " at " + i);
            }
        }
    }

    @Test
    void refusesStridesOtherThanOne() {
        Geometry g = Geometry.of("conv2d", Shape.of(1, 5, 5), 3, 3, 2, 1);
        assertEquals(false, WideInputGradient.appliesTo(g));
        assertThrows(IllegalArgumentException.class, () -> new WideInputGradient(g, 2));
    }
}
