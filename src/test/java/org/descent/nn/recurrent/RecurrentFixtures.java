package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.descent.nn.Kernel;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.descent.testing.Reference;

/** What the three recurrent layers' tests share: PyTorch's fixtures (scripts/reference/recurrent.py) and the exact-mode check. */
final class RecurrentFixtures {
    private RecurrentFixtures() {
    }

    /**
     * Every fixture case of {@code kind}: with PyTorch's parameters, the forward output, the input gradient and the
     * parameter gradients of {@code Σ y ⊙ dy} agree with PyTorch's within float32 rounding; returns the cases run.
     */
    static int assertMatchesTorch(String kind, BiFunction<Integer, Boolean, RecurrentLayer> make) {
        int cases = 0;
        for (JsonNode c : Reference.load("recurrent.json")) {
            if (!c.get("kind").asText().equals(kind)) {
                continue;
            }
            int n = c.get("n").asInt();
            int steps = c.get("steps").asInt();
            int features = c.get("features").asInt();
            boolean last = c.get("last").asBoolean();
            String name = kind + " T=" + steps + (last ? " last" : "");
            RecurrentLayer layer = make.apply(c.get("hidden").asInt(), last);
            Sequential model = new Sequential(Shape.of(steps, features), List.of(layer));
            float[] p = Reference.floats(c.get("params"));
            assertEquals(model.paramCount(), p.length, name + " parameter count");
            float[] x = Reference.floats(c.get("x"));
            StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
            Kernel k = layer.kernel(model.inputShape(), model.slot(0));
            float[] y = new float[n * model.outputShape().size()];
            k.forward(ctx, n, x, y);
            assertClose(Reference.floats(c.get("y")), y, name + " forward");
            float[] dx = new float[x.length];
            k.backward(ctx, n, x, y, Reference.floats(c.get("dy")), dx);
            assertClose(Reference.floats(c.get("dx")), dx, name + " input gradient");
            assertClose(Reference.floats(c.get("dparams")), ctx.grads, name + " parameter gradients");
            cases++;
        }
        assertTrue(cases > 0, "no fixture of " + kind);
        return cases;
    }

    /** {@code |a − b| ≤ 2e-5 · max(|b|, 1)}: float32 both sides, BPTT sums taken in another order over up to 20 steps. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    /**
     * In exact mode a batch's weight gradient is the exact sum of its examples': one call of 4 equals 1 + 3, bit
     * for bit, and the float gradient agrees with it.
     */
    static void assertExactGradientsIgnoreTheSplit(RecurrentLayer layer, int steps, int features) {
        Sequential model = new Sequential(Shape.of(steps, features), List.of(layer));
        int out = model.outputShape().size();
        float[] p = model.initParams(9);
        float[] x = random(4 * steps * features, 11);
        float[] dy = random(4 * out, 13);
        double[] whole = exactGrads(model, p, x, dy, 0, 4);
        double[] parts = exactGrads(model, p, x, dy, 0, 1);
        double[] rest = exactGrads(model, p, x, dy, 1, 3);
        for (int i = 0; i < parts.length; i++) {
            parts[i] += rest[i];
        }
        assertArrayEquals(whole, parts, layer + ": exact gradients of 4 examples and of 1 + 3");
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
        Kernel k = layer.kernel(model.inputShape(), model.slot(0));
        float[] y = new float[4 * out];
        k.forward(ctx, 4, x, y);
        k.backward(ctx, 4, x, y, dy.clone(), null);
        for (int i = 0; i < p.length; i++) {
            assertEquals(ctx.grads[i], whole[i], 1e-5 * Math.max(1, Math.abs(whole[i])), layer + " parameter " + i);
        }
    }

    private static double[] exactGrads(Sequential model, float[] p, float[] x, float[] dy, int from, int n) {
        int in = model.inputShape().size();
        int out = model.outputShape().size();
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
        ctx.exactGrads = new double[p.length];
        Kernel k = model.layers().get(0).kernel(model.inputShape(), model.slot(0));
        float[] xs = Arrays.copyOfRange(x, from * in, (from + n) * in);
        float[] y = new float[n * out];
        k.forward(ctx, n, xs, y);
        k.backward(ctx, n, xs, y, Arrays.copyOfRange(dy, from * out, (from + n) * out), null);
        return ctx.exactGrads;
    }

    /** Evaluation runs a large batch in chunks: its outputs are the training forward's over the whole batch, to rounding. */
    static void assertEvaluationInChunksMatchesOneBatch(RecurrentLayer layer) {
        Sequential model = new Sequential(Shape.of(6, 3), List.of(layer));
        float[] p = model.initParams(4);
        int n = 2 * RecurrentKernel.EVAL_CHUNK + 7;
        float[] x = random(n * 18, 21);
        int out = model.outputShape().size();
        float[] train = new float[n * out];
        float[] eval = new float[n * out];
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
        layer.kernel(model.inputShape(), model.slot(0)).forward(ctx, n, x, train);
        ctx.mode = org.descent.nn.Mode.EVAL;
        layer.kernel(model.inputShape(), model.slot(0)).forward(ctx, n, x, eval);
        for (int i = 0; i < train.length; i++) {
            assertEquals(train[i], eval[i], 1e-6, layer + " output " + i);
        }
    }

    static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
