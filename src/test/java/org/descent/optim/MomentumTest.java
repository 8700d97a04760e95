package org.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.descent.landscape.Rosenbrock;
import org.descent.landscape.TestFunction;
import org.descent.nn.ParamLayout;
import org.junit.jupiter.api.Test;

/** Classical momentum and Nesterov against the seed's formulas. */
class MomentumTest {
    /** v₁ = −αg₁, v₂ = α(−λg₁ − g₂), v₃ = α(−λ²g₁ − λg₂ − g₃): the seed's expansion. */
    @Test
    void velocityFollowsTheSeedsExpansion() {
        float alpha = 0.1f;
        float lambda = 0.9f;
        GradientTransform m = Optimizers.create("momentum", Map.of("learningRate", (double) alpha, "momentum", (double) lambda));
        OptState s = m.init(ParamLayout.flat(1));
        float[] g = {2f, -1f, 0.5f};
        float[] expected = {
            -alpha * g[0],
            alpha * (-lambda * g[0] - g[1]),
            alpha * (-lambda * lambda * g[0] - lambda * g[1] - g[2]),
        };
        for (int t = 0; t < 3; t++) {
            float[] u = {g[t]};
            m.update(u, s, new float[1], t);
            assertEquals(expected[t], u[0], 1e-6f, "v_" + (t + 1));
        }
    }

    /**
     * The seed's NAG evaluates the gradient at θ + λv. Descent stores φ = θ + λv instead; run both on
     * Rosenbrock and check φ_t = θ_t + λv_t at every step.
     */
    @Test
    void nesterovMatchesTheSeedsLookAheadForm() {
        TestFunction f = new Rosenbrock();
        double alpha = 1e-4;
        double lambda = 0.9;
        double[] theta = {-1.2, 1.0};
        double[] v = {0, 0};
        double[] g = new double[2];
        GradientTransform nag = Optimizers.create("nesterov", Map.of("learningRate", alpha, "momentum", lambda));
        OptState state = nag.init(ParamLayout.flat(2));
        float[] phi = {(float) theta[0], (float) theta[1]};
        for (int t = 0; t < 200; t++) {
            // The seed: interim θ̃ = θ + λv, gradient there, v ← λv − αg, θ ← θ + v.
            f.gradient(theta[0] + lambda * v[0], theta[1] + lambda * v[1], g);
            for (int d = 0; d < 2; d++) {
                v[d] = lambda * v[d] - alpha * g[d];
                theta[d] += v[d];
            }
            // Descent: the gradient at the stored parameters φ.
            f.gradient(phi[0], phi[1], g);
            float[] u = {(float) g[0], (float) g[1]};
            nag.update(u, state, phi, t);
            phi[0] += u[0];
            phi[1] += u[1];
            for (int d = 0; d < 2; d++) {
                double lookAhead = theta[d] + lambda * v[d];
                assertEquals(lookAhead, phi[d], 1e-5 * Math.max(1, Math.abs(lookAhead)), "step " + t + " coordinate " + d);
            }
        }
    }

    /**
     * With Sutskever's schedule (μ_t = min(1 − 2^{−1−log₂(⌊t/250⌋+1)}, μ_max): a new μ every 250 steps) the stored
     * look-ahead must stay φ_t = θ_t + μ_t v_t across the boundaries, where μ_{t+1} ≠ μ_t; a quadratic bowl keeps the
     * gradient informative for 1,000 steps.
     */
    @Test
    void nesterovWithAScheduledMomentumStaysOnTheSeedsTrajectory() {
        org.descent.schedule.Schedule mu = new org.descent.schedule.SutskeverMomentum(0.99);
        double alpha = 1e-3;
        double[] curvature = {1.0, 50.0};
        double[] theta = {1.5, -0.8};
        double[] v = {0, 0};
        GradientTransform nag = new Nesterov(org.descent.schedule.Schedule.constant(alpha), mu);
        OptState state = nag.init(ParamLayout.flat(2));
        float[] phi = {(float) theta[0], (float) theta[1]};
        boolean crossed = false;
        for (int t = 0; t < 1000; t++) {
            double m = mu.at(t);
            crossed |= mu.at(t + 1) != m;
            for (int d = 0; d < 2; d++) {
                double g = curvature[d] * (theta[d] + m * v[d]);
                v[d] = m * v[d] - alpha * g;
                theta[d] += v[d];
            }
            float[] u = {(float) (curvature[0] * phi[0]), (float) (curvature[1] * phi[1])};
            nag.update(u, state, phi, t);
            phi[0] += u[0];
            phi[1] += u[1];
            for (int d = 0; d < 2; d++) {
                double lookAhead = theta[d] + mu.at(t + 1) * v[d];
                assertEquals(lookAhead, phi[d], 1e-5 * Math.max(1, Math.abs(lookAhead)), "step " + t + " coordinate " + d);
            }
        }
        assertTrue(crossed, "the schedule changed μ within the run");
    }
}
