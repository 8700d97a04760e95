package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class WinogradRowsTest {
    /** 37 tiles: whole vectors and a scalar tail on any vector width; every tile must have the formula's exact bits. */
    private static final int COUNT = 37;

    @Test
    void eachTransformGivesItsFormulasBitsOnEveryTile() {
        Rng rng = new Rng(3);
        int ss = 41;
        int ds = 43;
        float[] src = new float[5 + 4 * ss];
        for (int i = 0; i < src.length; i++) {
            src[i] = rng.nextFloat() - 0.5f;
        }
        float[][] out = new float[4][];
        for (int t = 0; t < 4; t++) {
            out[t] = new float[7 + 4 * ds];
        }
        WinogradRows.inputForward(src, 5, ss, out[0], 7, ds, COUNT);
        WinogradRows.inputBackward(src, 5, ss, out[1], 7, ds, COUNT);
        WinogradRows.outputForward(src, 5, ss, out[2], 7, ds, COUNT);
        WinogradRows.outputBackward(src, 5, ss, out[3], 7, ds, COUNT);
        for (int q = 0; q < COUNT; q++) {
            float a0 = src[5 + q];
            float a1 = src[5 + ss + q];
            float a2 = src[5 + 2 * ss + q];
            float a3 = src[5 + 3 * ss + q];
            float[][] expected = {
                {a0 - a2, a1 + a2, a2 - a1, a1 - a3},
                {a0, a1 - a2 + a3, -a0 + a1 + a2, -a3},
                {a0 + a1 + a2, a1 - a2 - a3},
                {a0, a0 + a1, a0 - a1, -a1},
            };
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < expected[t].length; k++) {
                    assertEquals(expected[t][k], out[t][7 + k * ds + q], "transform " + t + " output " + k + " tile " + q);
                }
            }
        }
        assertEquals(0f, out[0][6], "nothing before the first output");
        assertEquals(0f, out[0][7 + COUNT], "nothing past the tiles");
    }

    @Test
    void inPlaceAtTheSamePlacesGivesTheSameValues() {
        Rng rng = new Rng(5);
        float[] a = new float[4 * COUNT];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() - 0.5f;
        }
        float[] separate = new float[a.length];
        WinogradRows.inputBackward(a, 0, COUNT, separate, 0, COUNT, COUNT);
        WinogradRows.inputBackward(a, 0, COUNT, a, 0, COUNT, COUNT);
        for (int i = 0; i < a.length; i++) {
            assertEquals(separate[i], a[i], "at " + i);
        }
    }
}
