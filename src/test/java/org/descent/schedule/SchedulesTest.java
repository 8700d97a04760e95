package org.descent.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.descent.testing.Reference;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    /** Step, multistep, exponential and cosine against PyTorch 1.13's schedulers (scripts/reference/schedules.py). */
    @Test
    void agreeWithPyTorchSchedulers() {
        JsonNode root = Reference.load("schedules.json");
        ObjectMapper mapper = new ObjectMapper();
        for (String name : List.of("step", "multistep", "exponential", "cosine")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> config = mapper.convertValue(root.get(name).get("config"), Map.class);
            Schedule s = Schedules.parse(config, Double.NaN);
            JsonNode values = root.get(name).get("values");
            for (int t = 0; t < values.size(); t++) {
                assertEquals(values.get(t).asDouble(), s.at(t), 1e-9, name + " at step " + t);
            }
        }
    }

    @Test
    void theOptimizationDecksDecayFormulas() {
        assertEquals(0.1 * Math.exp(-0.01 * 300), new ExponentialDecay(0.1, 0.01).at(300), 1e-15);
        assertEquals(0.1 / (1 + 0.5 * 4), new InverseTimeDecay(0.1, 0.5).at(4), 1e-15);
        assertEquals(0.05, new StepDecay(0.1, 0.5, 10).at(19), 1e-15);
        assertEquals(0.1 * 0.25 + 0.001, new PolynomialDecay(0.101, 0.001, 100, 2).at(50), 1e-12);
        assertEquals(0.001, new PolynomialDecay(0.101, 0.001, 100, 2).at(500), 1e-15);
    }

    @Test
    void warmupRisesLinearlyThenFollowsTheWrappedSchedule() {
        Schedule s = new LinearWarmup(new CosineDecay(1.0, 0.0, 1000), 100, 0.1);
        double atW = new CosineDecay(1.0, 0.0, 1000).at(100);
        assertEquals(0.1 * atW, s.at(0), 1e-12);
        assertEquals(atW * (0.1 + 0.9 * 0.5), s.at(50), 1e-12);
        assertEquals(atW, s.at(100), 1e-12);
        assertEquals(new CosineDecay(1.0, 0.0, 1000).at(700), s.at(700), 1e-15);
        Schedule parsed = Schedules.parse(Map.of("type", "constant", "warmupSteps", 10), 0.4);
        assertEquals(0.0, parsed.at(0), 1e-15);
        assertEquals(0.2, parsed.at(5), 1e-15);
        assertEquals(0.4, parsed.at(10), 1e-15);
    }

    /** μ_t = min(1 − 2^(−1−log₂(⌊t/250⌋+1)), μ_max): 0.5, 0.75, 0.8333…, 0.875 … capped. */
    @Test
    void sutskeverAndNesterovMomentumSchedules() {
        SutskeverMomentum s = new SutskeverMomentum(0.999);
        assertEquals(0.5, s.at(0), 1e-12);
        assertEquals(0.5, s.at(249), 1e-12);
        assertEquals(0.75, s.at(250), 1e-12);
        assertEquals(1 - 1.0 / 6, s.at(500), 1e-12);
        assertEquals(0.875, s.at(750), 1e-12);
        assertEquals(1 - 1.0 / 10, s.at(1000), 1e-12);
        assertEquals(0.999, s.at(100_000_000), 1e-12);
        NesterovMomentum n = new NesterovMomentum(1.0);
        assertEquals(0.4, n.at(0), 1e-12);
        assertEquals(1 - 3.0 / 15, n.at(10), 1e-12);
    }

    /** Sutskever et al. 2013's RNN schedule: μ = 0.9 for the first 1000 updates, then μ₀ (the optimizer's momentum by default). */
    @Test
    void switchedMomentumHoldsTheFirstValueThenTheOptimizers() {
        Schedule s = Schedules.parse(java.util.Map.of("type", "switch"), 0.995);
        assertEquals(0.9, s.at(0));
        assertEquals(0.9, s.at(999));
        assertEquals(0.995, s.at(1000));
        Schedule zero = Schedules.parse(java.util.Map.of("type", "switch", "then", 0.0, "steps", 10), 0.9);
        assertEquals(0.9, zero.at(9));
        assertEquals(0.0, zero.at(10));
    }

    @Test
    void reduceOnPlateauCutsAfterPatienceAndRestoresExactly() {
        ReduceOnPlateau r = new ReduceOnPlateau(0.1, 0.5, 2, 1e-3, 1, 0.01, ReduceOnPlateau.Goal.MIN);
        assertEquals(0.1, r.observe(1.0));
        assertEquals(0.1, r.observe(0.9));
        assertEquals(0.1, r.observe(0.9));
        assertEquals(0.1, r.observe(0.9));
        ReduceOnPlateau.State before = r.snapshot();
        assertEquals(0.05, r.observe(0.9), 1e-15);
        assertEquals(0.05, r.at(12345), 1e-15);
        ReduceOnPlateau other = new ReduceOnPlateau(0.1, 0.5, 2, 1e-3, 1, 0.01, ReduceOnPlateau.Goal.MIN);
        other.restore(before);
        assertEquals(0.05, other.observe(0.9), 1e-15);
        assertEquals(r.snapshot(), other.snapshot());
        for (int i = 0; i < 30; i++) {
            r.observe(0.9);
        }
        assertEquals(0.01, r.at(0), 1e-15);
    }

    @Test
    void badConfigurationsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedules.parse(Map.of("type", "cosin"), 0.1))
                .getMessage().contains("did you mean 'cosine'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedules.parse(Map.of("type", "step", "gama", 0.5), 0.1))
                .getMessage().contains("did you mean 'gamma'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedules.parse(Map.of("type", "step", "gamma", 0.5), 0.1))
                .getMessage().contains("needs 'stepSize'"));
        assertThrows(IllegalArgumentException.class, () -> Schedules.parse(Map.of("type", "cosine", "steps", "many"), 0.1));
    }
}
