package org.descent.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.Test;

/** The deck's effective momentum of NAG, μ(1 − λε), and the contraction it predicts, against Descent's optimizers on the quadratic. */
class EffectiveMomentumTest {
    @Test
    void nesterovDampsTheHighCurvatureDirection() {
        assertEquals(0.9 * (1 - 50 * 0.01), EffectiveMomentum.nesterov(0.9, 0.01, 50), 1e-15);
        assertEquals(0.9 * (1 - 0.01), EffectiveMomentum.nesterov(0.9, 0.01, 1), 1e-15);
        // Complex roots: the contraction is √m; real roots (heavy damping): the larger root.
        assertEquals(Math.sqrt(0.9), EffectiveMomentum.rate(0.9, 0.01, 50), 1e-15);
        double b = 1 + 0.1 - 0.01;
        assertEquals((b + Math.sqrt(b * b - 0.4)) / 2, EffectiveMomentum.rate(0.1, 0.01, 1), 1e-15);
    }

    /** Along each axis of f = ½(x² + 50y²), the distance shrinks per step at the predicted rate, for momentum and for nesterov. */
    @Test
    void theTrajectoriesShrinkAtThePredictedRates() {
        IllConditionedQuadratic f = new IllConditionedQuadratic();
        double lr = 0.01;
        double mu = 0.9;
        for (String name : List.of("momentum", "nesterov")) {
            for (int axis = 0; axis < 2; axis++) {
                double lambda = f.curvatures()[axis];
                double m = name.equals("nesterov") ? EffectiveMomentum.nesterov(mu, lr, lambda) : mu;
                double predicted = EffectiveMomentum.rate(m, lr, lambda);
                double[] start = axis == 0 ? new double[] {1, 0} : new double[] {0, 1};
                List<double[]> rows = Trajectory.run(f, Optimizers.create(name, Map.of("learningRate", lr, "momentum", mu)), start, 1000);
                // The amplitude over windows longer than the axis's oscillation (about 74 steps on x, 9 on y), while it is
                // far above float32's smallest values (the parameters are float32).
                int window = axis == 0 ? 100 : 10;
                int span = axis == 0 ? 500 : 40;
                double early = envelope(rows, axis + 1, span, window);
                double late = envelope(rows, axis + 1, 2 * span, window);
                double measured = Math.pow(late / early, 1.0 / span);
                // The window's maximum falls at a different phase of the oscillation at each end: about 1e-3 of error here.
                assertEquals(predicted, measured, 3e-3, name + " axis " + axis);
            }
        }
        // The deck's point: on the steep axis NAG contracts faster than CM (√0.45 < √0.9).
        assertTrue(EffectiveMomentum.rate(EffectiveMomentum.nesterov(mu, lr, 50), lr, 50) < EffectiveMomentum.rate(mu, lr, 50));
    }

    private static double envelope(List<double[]> rows, int column, int end, int window) {
        double max = 0;
        for (int s = end - window + 1; s <= end; s++) {
            max = Math.max(max, Math.abs(rows.get(s)[column]));
        }
        return max;
    }
}
