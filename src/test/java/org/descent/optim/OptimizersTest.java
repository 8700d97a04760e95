package org.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.descent.landscape.TestFunction;
import org.descent.landscape.TestFunctions;
import org.descent.landscape.Trajectory;
import org.junit.jupiter.api.Test;

class OptimizersTest {
    /** A learning rate per optimizer that suits all four test functions from their usual starts. */
    private static final Map<String, Double> RATES = Map.ofEntries(
            Map.entry("sgd", 1e-3), Map.entry("momentum", 5e-4), Map.entry("nesterov", 5e-4), Map.entry("adagrad", 0.1),
            Map.entry("rmsprop", 1e-2), Map.entry("adam", 1e-2), Map.entry("amsgrad", 1e-2), Map.entry("adamw", 1e-2),
            Map.entry("adamax", 1e-2), Map.entry("nadam", 1e-2), Map.entry("adadelta", 1.0), Map.entry("rprop", 1e-3),
            Map.entry("lars", 1.0), Map.entry("lamb", 1e-2));

    /** Table-driven: every optimizer lowers every test function within 300 steps from its usual start. */
    @Test
    void everyOptimizerDescendsOnEveryTestFunction() {
        assertEquals(RATES.keySet(), java.util.Set.copyOf(Optimizers.names()));
        StringBuilder failures = new StringBuilder();
        for (String fn : TestFunctions.names()) {
            TestFunction f = TestFunctions.byName(fn);
            for (String opt : Optimizers.names()) {
                List<double[]> rows = Trajectory.run(f, Optimizers.create(opt, Map.of("learningRate", RATES.get(opt))), f.defaultStart(), 300);
                double first = rows.get(0)[3];
                double last = rows.get(rows.size() - 1)[3];
                boolean ok = Double.isFinite(last) && last < first;
                if (fn.equals("quadratic")) {
                    ok &= last < 0.5 * first;
                }
                if (!ok) {
                    failures.append(fn).append(' ').append(opt).append(": ").append(first).append(" → ").append(last).append('\n');
                }
            }
        }
        assertTrue(failures.length() == 0, failures.toString());
    }

    /**
     * The driver's overlapped update: an element-wise optimizer updated range by range, the last range
     * first, gives the bits of one update over the whole, step after step (state and parameters); the
     * optimizers with a quantity over the whole vector or a per-call state say they are not element-wise.
     */
    @Test
    void elementwiseOptimizersUpdatedRangeByRangeGiveTheWholeUpdatesBits() {
        org.descent.nn.ParamLayout layout = org.descent.models.Models.mlp(20, 30, 5).layout();
        int n = layout.size();
        int[] cuts = {n, n - 7, 100, 0};
        java.util.Set<String> whole = java.util.Set.of("lars", "lamb", "nadam");
        java.util.Random random = new java.util.Random(5);
        for (String name : Optimizers.names()) {
            for (Map<String, Double> extra : List.of(Map.<String, Double>of(), Map.of("clipValue", 0.05), Map.of("weightDecay", 0.01),
                    Map.of("clipNorm", 1.0))) {
                GradientTransform opt = Optimizers.create(name, extra);
                boolean expected = !whole.contains(name) && !extra.containsKey("clipNorm");
                assertEquals(expected, opt.elementwise(), name + " " + extra);
                if (!expected) {
                    continue;
                }
                OptState wholeState = opt.init(layout);
                OptState rangedState = opt.init(layout);
                float[] wholeParams = new float[n];
                for (int i = 0; i < n; i++) {
                    wholeParams[i] = (float) random.nextGaussian();
                }
                float[] rangedParams = wholeParams.clone();
                for (long step = 0; step < 3; step++) {
                    float[] g = new float[n];
                    for (int i = 0; i < n; i++) {
                        g[i] = (float) random.nextGaussian() * 0.1f;
                    }
                    float[] u = g.clone();
                    opt.update(u, wholeState, wholeParams, step);
                    for (int i = 0; i < n; i++) {
                        wholeParams[i] += u[i];
                    }
                    float[] v = g.clone();
                    for (int c = 0; c + 1 < cuts.length; c++) {
                        int from = cuts[c + 1];
                        int to = cuts[c];
                        opt.update(v, rangedState, rangedParams, step, from, to);
                        for (int i = from; i < to; i++) {
                            rangedParams[i] += v[i];
                        }
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(wholeParams, rangedParams, name + " " + extra + ", step " + step);
                    assertEquals(wholeState, rangedState, name + " " + extra + ", step " + step);
                }
            }
        }
        GradientTransform lamb = Optimizers.create("lamb", Map.of());
        OptState state = lamb.init(layout);
        assertThrows(UnsupportedOperationException.class, () -> lamb.update(new float[n], state, new float[n], 0, 0, n - 1));
    }

    /** What an optimizer reports of its hyperparameters is what its update uses at that step: scheduled ones as scheduled. */
    @Test
    void hyperparametersAreReportedAsTheyStandAtTheStep() {
        Map<String, Double> adamw = Optimizers.create("adamw", Map.of("learningRate", 0.01, "weightDecay", 0.1, "clipValue", 2.0)).hyperparameters(5);
        assertEquals(0.01, adamw.get("learningRate"), 1e-15);
        assertEquals(0.9, adamw.get("beta1"), 1e-15);
        assertEquals(0.1, adamw.get("weightDecay"), 1e-15);
        assertEquals(2.0, adamw.get("clipValue"), 1e-7);
        GradientTransform nesterov = Optimizers.create("nesterov", Map.of(), new org.descent.schedule.StepDecay(0.1, 0.5, 10),
                new org.descent.schedule.SutskeverMomentum(0.99));
        assertEquals(0.05, nesterov.hyperparameters(15).get("learningRate"), 1e-15);
        assertEquals(new org.descent.schedule.SutskeverMomentum(0.99).at(600), nesterov.hyperparameters(600).get("momentum"), 0);
        assertTrue(nesterov.hyperparameters(600).get("momentum") > nesterov.hyperparameters(0).get("momentum"), "the schedule ramps up");
    }

    @Test
    void unknownNamesAndKeysSuggestTheNearestOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adamm", Map.of()));
        assertTrue(e.getMessage().contains("did you mean 'adam'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", Map.of("beta_1", 0.8)));
        assertTrue(e.getMessage().contains("did you mean 'beta1'") && e.getMessage().contains("for adam"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", Map.of("momentum", 0.9)));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
    }

    @Test
    void outOfRangeValuesNameKeyValueAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", Map.of("beta2", 1.0)));
        assertTrue(e.getMessage().contains("beta2 = 1.0") && e.getMessage().contains("[0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", Map.of("learningRate", -1.0)));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("rprop", Map.of("etaPlus", 0.9)));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("rprop", Map.of("stepMin", 1.0, "stepMax", 0.5)));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("rmsprop", Map.of("centered", 0.5)));
    }

    @Test
    void everyOptimizerListsItsKeysWithDefaults() {
        for (String name : Optimizers.names()) {
            Map<String, Double> keys = Optimizers.keys(name);
            assertTrue(keys.containsKey("learningRate") && keys.containsKey("clipNorm") && keys.containsKey("weightDecay"), name + " " + keys);
            Optimizers.create(name, keys);
        }
        assertEquals(0.001, Optimizers.keys("adam").get("learningRate"));
        assertEquals(1e-8, Optimizers.keys("adam").get("eps"));
    }

    @Test
    void clippingAppliesBeforeTheRule() {
        GradientTransform t = Optimizers.create("sgd", Map.of("learningRate", 1.0, "clipNorm", 1.0));
        float[] u = {3f, 4f};
        t.update(u, t.init(org.descent.nn.ParamLayout.flat(2)), new float[2], 0);
        assertEquals(-0.6f, u[0], 1e-6f);
        assertEquals(-0.8f, u[1], 1e-6f);
        GradientTransform v = Optimizers.create("sgd", Map.of("learningRate", 1.0, "clipValue", 0.5));
        float[] w = {3f, -0.25f};
        v.update(w, v.init(org.descent.nn.ParamLayout.flat(2)), new float[2], 0);
        assertEquals(-0.5f, w[0]);
        assertEquals(0.25f, w[1]);
    }

    /**
     * Gradients +1, −1, −1 from step size 0.01: both variants step −0.01, then the sign flips and the size halves;
     * iRprop⁻ (PyTorch) does not step and forgets the gradient, so the third step keeps 0.005; Rprop⁻ (the deck) steps
     * +0.005 at once and, the sign now kept, grows to 0.006.
     */
    @Test
    void rpropVariantsDifferAfterASignChange() {
        float[][] steps = new float[2][3];
        for (String variant : new String[] {"irprop_minus", "rprop_minus"}) {
            GradientTransform o = Optimizers.create("rprop", Map.of("learningRate", 0.01, "variant", Optimizers.value("variant", variant)));
            OptState s = o.init(org.descent.nn.ParamLayout.flat(1));
            float[] g = {1f, -1f, -1f};
            for (int t = 0; t < 3; t++) {
                float[] u = {g[t]};
                o.update(u, s, new float[1], t);
                steps[variant.startsWith("i") ? 0 : 1][t] = u[0];
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {-0.01f, 0f, 0.005f}, steps[0], 1e-7f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {-0.01f, 0.005f, 0.006f}, steps[1], 1e-7f);
        assertEquals(0.0, Optimizers.value("variant", "irprop_minus"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.value("variant", "rprop+"));
        assertEquals("rprop variant 'rprop+' is not irprop_minus (PyTorch's, the default) or rprop_minus (the deck's)", e.getMessage());
    }
}
