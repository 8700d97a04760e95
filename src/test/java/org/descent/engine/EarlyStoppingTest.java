package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    private static EvalResult loss(double l) {
        return new EvalResult(l, 0, 1);
    }

    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementLargerThanMinDelta() {
        EarlyStopping rule = new EarlyStopping(EarlyStopping.Metric.LOSS, 2, 0.01);
        EarlyStopping.State s = rule.initial();
        double[] losses = {1.0, 0.8, 0.795, 0.9, 0.7, 0.71, 0.705};
        boolean[] stop = {false, false, false, true, false, false, true};
        int[] best = {0, 1, 1, 1, 4, 4, 4};
        for (int e = 0; e < losses.length; e++) {
            s = rule.observe(s, e, loss(losses[e]));
            assertEquals(best[e], s.bestEpoch(), "best after epoch " + e);
            assertEquals(stop[e], rule.shouldStop(s), "stop after epoch " + e);
            if (stop[e]) {
                s = new EarlyStopping.State(s.best(), s.bestEpoch(), 0);
            }
        }
    }

    @Test
    void accuracyMustRise() {
        EarlyStopping rule = new EarlyStopping(EarlyStopping.Metric.ACCURACY, 1, 0);
        EarlyStopping.State s = rule.observe(rule.initial(), 0, new EvalResult(1, 0.5, 1));
        s = rule.observe(s, 1, new EvalResult(0.1, 0.6, 1));
        assertFalse(rule.shouldStop(s));
        assertEquals(1, s.bestEpoch());
        s = rule.observe(s, 2, new EvalResult(0.05, 0.6, 1));
        assertTrue(rule.shouldStop(s));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(EarlyStopping.Metric.LOSS, 0, 0));
    }
}
