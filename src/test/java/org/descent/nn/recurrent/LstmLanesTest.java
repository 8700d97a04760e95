package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link LstmLanes} against the scalar expressions of {@link Lstm}'s cell, bit for bit, over 40 units (whole vectors and,
 * with 256- or 512-bit vectors, units left to the scalar tail), with and without a previous cell state, and with
 * values that stress the signs of zero.
 */
class LstmLanesTest {
    private static final int H = 40;

    @Test
    void preActivationsAreTheLeftToRightSums() {
        Rng rng = new Rng(3);
        float[] pre = random(rng, 4 * H + 7);
        float[] p = random(rng, 8 * H + 5);
        float[] rec = random(rng, 4 * H + 3);
        pre[9] = -0f;
        p[2 + 9] = -0f;
        rec[1 + 9] = -0f;
        p[4 * H + 4 + 9] = -0f;
        float[] vector = new float[4 * H + 11];
        int done = LstmLanes.preActivations(vector, 11, pre, 7, p, 2, rec, 3, 4 * H + 4, 4 * H - 7);
        assertTrue(done > 0, "the vector path ran");
        float[] scalar = vector.clone();
        for (int k = 0; k < done; k++) {
            scalar[11 + k] = pre[7 + k] + p[2 + k] + rec[3 + k] + p[4 * H + 4 + k];
        }
        assertArrayEquals(scalar, vector);
    }

    @Test
    void statesAreTheScalarExpressions() {
        for (boolean withPrevious : new boolean[] {true, false}) {
            Rng rng = new Rng(withPrevious ? 5 : 6);
            int c = 6 * H + 3;
            int previous = withPrevious ? 3 + 4 * H : -1;
            float[] cache = random(rng, 12 * H + 3);
            cache[c + 5] = 0f;
            float[] vector = cache.clone();
            int done = LstmLanes.cellState(vector, c, previous, H);
            assertTrue(done > 0, "the vector path ran");
            float[] scalar = cache.clone();
            for (int j = 0; j < done; j++) {
                float cPrev = previous >= 0 ? scalar[previous + j] : 0f;
                float ct = scalar[c + H + j] * cPrev + scalar[c + j] * scalar[c + 2 * H + j];
                scalar[c + 4 * H + j] = ct;
                scalar[c + 5 * H + j] = ct;
            }
            assertArrayEquals(scalar, vector);
            float[] states = new float[H + 2];
            float[] expected = new float[H + 2];
            assertTrue(LstmLanes.hiddenState(vector, c, states, 2, H) == done);
            for (int j = 0; j < done; j++) {
                expected[2 + j] = vector[c + 3 * H + j] * vector[c + 5 * H + j];
            }
            assertArrayEquals(expected, states);
        }
    }

    @Test
    void cellBackwardIsTheScalarExpressions() {
        for (boolean withPrevious : new boolean[] {true, false}) {
            Rng rng = new Rng(withPrevious ? 7 : 8);
            int c = 6 * H + 1;
            int previous = withPrevious ? 1 + 4 * H : -1;
            float[] cache = random(rng, 12 * H + 1);
            float[] gh = random(rng, H);
            gh[4] = -0f;
            float[] cellGrad = random(rng, 2 * H);
            float[] dx = new float[4 * H + 3];
            float[] toPrevious = random(rng, H + 1);
            float[] cg = cellGrad.clone();
            float[] d = dx.clone();
            float[] tp = toPrevious.clone();
            int done = LstmLanes.cellBackward(cache, c, previous, H, cg, H, gh, d, 3, tp, 1);
            assertTrue(done > 0, "the vector path ran");
            for (int j = 0; j < done; j++) {
                float i = cache[c + j];
                float f = cache[c + H + j];
                float g = cache[c + 2 * H + j];
                float out = cache[c + 3 * H + j];
                float tc = cache[c + 5 * H + j];
                float cPrev = previous >= 0 ? cache[previous + j] : 0f;
                float dc = cellGrad[H + j] + gh[j] * out * (1 - tc * tc);
                float dOut = gh[j] * tc;
                dx[3 + j] = dc * g * i * (1 - i);
                dx[3 + H + j] = dc * cPrev * f * (1 - f);
                dx[3 + 2 * H + j] = dc * i * (1 - g * g);
                dx[3 + 3 * H + j] = dOut * out * (1 - out);
                cellGrad[H + j] = dc * f;
                toPrevious[1 + j] = 0f;
            }
            assertArrayEquals(dx, d);
            assertArrayEquals(cellGrad, cg);
            assertArrayEquals(toPrevious, tp);
        }
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rng.nextFloat() - 0.5f) * 4f;
        }
        return v;
    }
}
