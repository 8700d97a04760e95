package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link GateLanes} against the scalar expressions of {@link Lstm}'s and {@link Gru}'s cells, bit for bit, over 40 units (whole vectors and,
 * with 256- or 512-bit vectors, units left to the scalar tail), with and without a previous cell state, and with
 * values that stress the signs of zero.
 */
class GateLanesTest {
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
        int done = GateLanes.preActivations(vector, 11, pre, 7, p, 2, rec, 3, 4 * H + 4, 4 * H - 7);
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
            int done = GateLanes.cellState(vector, c, previous, H);
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
            assertTrue(GateLanes.hiddenState(vector, c, states, 2, H) == done);
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
            int done = GateLanes.cellBackward(cache, c, previous, H, cg, H, gh, d, 3, tp, 1);
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

    @Test
    void gruCandidateAndStateAreTheScalarExpressions() {
        Rng rng = new Rng(9);
        int c = 5;
        float[] cache = random(rng, 4 * H + 5);
        float[] pre = random(rng, H + 2);
        float[] p = random(rng, 2 * H + 3);
        float[] rec = random(rng, H + 1);
        float[] vector = cache.clone();
        int done = GateLanes.gruCandidate(vector, c, H, pre, 2, p, 3, rec, 1, H + 3);
        assertTrue(done > 0, "the vector path ran");
        float[] scalar = cache.clone();
        for (int j = 0; j < done; j++) {
            float hn = rec[1 + j] + p[H + 3 + j];
            scalar[c + 3 * H + j] = hn;
            scalar[c + 2 * H + j] = pre[2 + j] + p[3 + j] + scalar[c + j] * hn;
        }
        assertArrayEquals(scalar, vector);
        // h_t in the row after h_{t−1}, as RecurrentKernel lays the states out.
        float[] states = random(rng, 2 * H);
        float[] expected = states.clone();
        assertTrue(GateLanes.gruState(vector, c, H, states, H, 0) == done);
        for (int j = 0; j < done; j++) {
            float z = vector[c + H + j];
            expected[H + j] = (1 - z) * vector[c + 2 * H + j] + z * expected[j];
        }
        assertArrayEquals(expected, states);
    }

    @Test
    void gruCellBackwardIsTheScalarExpressions() {
        Rng rng = new Rng(10);
        int c = 2;
        float[] cache = random(rng, 4 * H + 2);
        float[] states = random(rng, 2 * H);
        float[] g = random(rng, H);
        g[3] = -0f;
        float[] dx = new float[3 * H + 1];
        float[] dh = new float[3 * H + 1];
        float[] toPrevious = random(rng, H + 2);
        float[] d = dx.clone();
        float[] e = dh.clone();
        float[] tp = toPrevious.clone();
        int done = GateLanes.gruCellBackward(cache, c, H, states, H, g, d, e, 1, tp, 2);
        assertTrue(done > 0, "the vector path ran");
        for (int j = 0; j < done; j++) {
            float r = cache[c + j];
            float z = cache[c + H + j];
            float n = cache[c + 2 * H + j];
            float hn = cache[c + 3 * H + j];
            float an = g[j] * (1 - z) * (1 - n * n);
            float ar = an * hn * r * (1 - r);
            float az = g[j] * (states[H + j] - n) * z * (1 - z);
            dx[1 + j] = ar;
            dx[1 + H + j] = az;
            dx[1 + 2 * H + j] = an;
            dh[1 + j] = ar;
            dh[1 + H + j] = az;
            dh[1 + 2 * H + j] = an * r;
            toPrevious[2 + j] = g[j] * z;
        }
        assertArrayEquals(dx, d);
        assertArrayEquals(dh, e);
        assertArrayEquals(toPrevious, tp);
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rng.nextFloat() - 0.5f) * 4f;
        }
        return v;
    }
}
