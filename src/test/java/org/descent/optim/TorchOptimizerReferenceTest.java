package org.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.descent.nn.ParamLayout;
import org.descent.testing.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every optimizer PyTorch 1.13 has, replayed by Descent for 120 steps on Beale and Rosenbrock with
 * non-default hyperparameters (fixtures: scripts/reference/optimizers.py). Each step feeds the
 * gradient PyTorch computed at that step, so the comparison is of the update rules alone.
 *
 * <p>Convention differences, checked through the trajectories: Descent's momentum keeps the seed's
 * velocity {@code v = −α·buf} instead of PyTorch's buffer and Nesterov stores the look-ahead
 * parameters as PyTorch does, so for a constant learning rate the trajectories are equal;
 * RMSprop's {@code alpha} is Descent's {@code rho}. NAdam differs on purpose: see
 * {@link #nadamDiffersFromPyTorch113OnlyByItsDoubleCountedMomentum()}.
 */
class TorchOptimizerReferenceTest {
    /** Relative agreement per coordinate per step: float32 on both sides, same operation order where it matters. */
    static final double TOLERANCE = 1e-5;

    private static JsonNode cases;

    @BeforeAll
    static void load() {
        cases = Reference.load("optimizers.json");
    }

    /** Replays case c with transform t; returns the worst relative error over all steps. */
    static double replay(JsonNode c, GradientTransform t) {
        float[] p = {(float) c.get("start").get(0).asDouble(), (float) c.get("start").get(1).asDouble()};
        float[] u = new float[2];
        OptState state = t.init(ParamLayout.flat(2));
        double worst = 0;
        for (int s = 0; s < c.get("x").size(); s++) {
            u[0] = (float) c.get("gx").get(s).asDouble();
            u[1] = (float) c.get("gy").get(s).asDouble();
            t.update(u, state, p, s);
            p[0] += u[0];
            p[1] += u[1];
            for (int d = 0; d < 2; d++) {
                double expected = c.get(d == 0 ? "x" : "y").get(s).asDouble();
                worst = Math.max(worst, Math.abs(p[d] - expected) / Math.max(1, Math.abs(expected)));
            }
        }
        return worst;
    }

    static Map<String, Double> hyper(JsonNode c) {
        Map<String, Double> h = new LinkedHashMap<>();
        c.get("hyper").fields().forEachRemaining(e -> h.put(e.getKey(), e.getValue().asDouble()));
        return h;
    }

    @Test
    void trajectoriesMatchPyTorch() {
        assertEquals(30, cases.size());
        StringBuilder failures = new StringBuilder();
        int compared = 0;
        for (JsonNode c : cases) {
            String name = c.get("optimizer").asText();
            if (name.equals("nadam")) {
                continue;
            }
            compared++;
            double worst = replay(c, Optimizers.create(name, hyper(c)));
            if (worst > TOLERANCE) {
                failures.append(String.format("%s %s %s: relative error %.2e%n", c.get("function").asText(), name, hyper(c), worst));
            }
        }
        assertEquals(28, compared);
        assertTrue(failures.length() == 0, failures.toString());
    }

    /**
     * PyTorch 1.13 computes NAdam's moment coefficient with {@code Π_t·μ_t·μ_{t+1}} (μ_t counted
     * twice; later PyTorch releases use Dozat's {@code Π_t·μ_{t+1}}, as Descent does). The test
     * implements the 1.13 rule independently, shows that it reproduces PyTorch, and that the same
     * code with the product fixed reproduces Descent's NAdam.
     */
    @Test
    void nadamDiffersFromPyTorch113OnlyByItsDoubleCountedMomentum() {
        int seen = 0;
        for (JsonNode c : cases) {
            if (!c.get("optimizer").asText().equals("nadam")) {
                continue;
            }
            seen++;
            Map<String, Double> h = hyper(c);
            double b1 = h.get("beta1");
            double b2 = h.get("beta2");
            double lr = h.get("learningRate");
            assertTrue(replay(c, new ReferenceNAdam(lr, b1, b2, true)) <= TOLERANCE, "the 1.13 rule reproduces PyTorch");
            double descentError = replay(c, Optimizers.create("nadam", h));
            assertTrue(descentError > TOLERANCE, "Descent follows Dozat, not 1.13: " + descentError);
            // Descent's NAdam equals the reference rule with the product fixed, bit for bit.
            float[] p1 = {1f, 1.5f};
            float[] p2 = p1.clone();
            GradientTransform descent = Optimizers.create("nadam", h);
            GradientTransform fixed = new ReferenceNAdam(lr, b1, b2, false);
            OptState s1 = descent.init(ParamLayout.flat(2));
            OptState s2 = fixed.init(ParamLayout.flat(2));
            for (int s = 0; s < 120; s++) {
                float[] u1 = {(float) c.get("gx").get(s).asDouble(), (float) c.get("gy").get(s).asDouble()};
                float[] u2 = u1.clone();
                descent.update(u1, s1, p1, s);
                fixed.update(u2, s2, p2, s);
                assertEquals(u2[0], u1[0], 1e-6 * Math.abs(u2[0]) + 1e-12, "step " + s);
                assertEquals(u2[1], u1[1], 1e-6 * Math.abs(u2[1]) + 1e-12, "step " + s);
            }
        }
        assertEquals(2, seen);
    }

    /** NAdam written out independently, with PyTorch 1.13's float32 μ-product and optionally its double count. */
    private static final class ReferenceNAdam implements GradientTransform {
        private final double lr;
        private final double beta1;
        private final double beta2;
        private final boolean doubleCount;

        ReferenceNAdam(double lr, double beta1, double beta2, boolean doubleCount) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.doubleCount = doubleCount;
        }

        @Override
        public OptState init(ParamLayout layout) {
            OptState s = new OptState();
            s.slot("m", 2);
            s.slot("v", 2);
            s.scalar("product", 1);
            return s;
        }

        @Override
        public void update(float[] u, OptState state, float[] params, long step) {
            long t = step + 1;
            double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * 4e-3));
            double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 4e-3));
            double[] product = state.scalar("product", 1);
            product[0] = doubleCount ? (float) (product[0] * mu) : product[0] * mu;
            double next = doubleCount ? (float) (product[0] * mu * muNext) : product[0] * muNext;
            float[] m = state.slot("m");
            float[] v = state.slot("v");
            for (int i = 0; i < u.length; i++) {
                float g = u[i];
                m[i] = m[i] * (float) beta1 + g * (float) (1 - beta1);
                v[i] = v[i] * (float) beta2 + g * g * (float) (1 - beta2);
                float denom = (float) Math.sqrt(v[i] / (float) (1 - Math.pow(beta2, t))) + 1e-8f;
                u[i] = -(float) (lr * (1 - mu) / (1 - product[0])) * (g / denom) - (float) (lr * muNext / (1 - next)) * (m[i] / denom);
            }
        }
    }

}
