package org.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class AdamTest {
    /**
     * Every element of a segment gets the update rule's float expressions, bit for bit, whether the element falls in a
     * vector of the Vector API's loop ({@code AdamLanes}) or in the scalar tail: segments of several lengths and offsets,
     * gradients with zeros, −0 and large values, over several steps (so that the moments carry over).
     */
    @Test
    void everyElementGetsTheRulesFloatExpressions() {
        double beta1 = 0.9;
        double beta2 = 0.999;
        float eps = 1e-8f;
        Adam adam = new Adam(step -> 0.001 * (1 + step), beta1, beta2, eps, false);
        Rng rng = new Rng(21);
        for (int[] range : new int[][] {{0, 1}, {3, 20}, {5, 72}, {0, 131}}) {
            int from = range[0];
            int to = range[1];
            OptState state = new OptState();
            state.slot("m", to + 2);
            state.slot("v", to + 2);
            float[] m = new float[to + 2];
            float[] v = new float[to + 2];
            for (long step = 0; step < 3; step++) {
                float[] u = new float[to + 2];
                for (int i = 0; i < u.length; i++) {
                    int kind = rng.nextInt(10);
                    u[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? 1e4f * (float) rng.nextGaussian() : (float) rng.nextGaussian();
                }
                float[] expected = u.clone();
                long t = step + 1;
                float stepSize = (float) (0.001 * (1 + step) / (1 - Math.pow(beta1, t)));
                float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
                for (int i = from; i < to; i++) {
                    float g = expected[i];
                    m[i] = m[i] * (float) beta1 + g * (float) (1 - beta1);
                    v[i] = v[i] * (float) beta2 + g * g * (float) (1 - beta2);
                    float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
                    expected[i] = -stepSize * (m[i] / denom);
                }
                adam.update(u, state, new float[to + 2], step, from, to);
                for (int i = 0; i < u.length; i++) {
                    String where = "[" + from + ", " + to + ") step " + step + " element " + i;
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(u[i]), where + ": update");
                    assertEquals(Float.floatToRawIntBits(m[i]), Float.floatToRawIntBits(state.slot("m")[i]), where + ": m");
                    assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(state.slot("v")[i]), where + ": v");
                }
            }
        }
    }
}
