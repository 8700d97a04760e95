package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.models.LayerSpecs;
import org.descent.nn.GradientCheck;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.nn.layers.Dense;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The Elman layer: its recurrence against a plain double-precision one, BPTT by finite differences, exact mode, shapes. */
class SimpleRnnTest {
    private static final int T = 5;
    private static final int F = 3;
    private static final int H = 4;

    @Test
    void backpropagationThroughTimeMatchesFiniteDifferences() {
        GradientCheck.of(new SimpleRnn(H, false), Shape.of(T, F), 3).run(Mode.TRAIN);
        GradientCheck.of(new SimpleRnn(H, true), Shape.of(T, F), 3).run(Mode.TRAIN);
        GradientCheck.of(new SimpleRnn(2, false), Shape.of(12, 1), 2).paramScale(1.0).run(Mode.TRAIN);
        GradientCheck.of(new Dense(3), Shape.of(T, F), 2).run(Mode.TRAIN);
    }

    @Test
    void forwardIsTheRecurrenceOfTheDocumentation() {
        Sequential model = new Sequential(Shape.of(T, F), List.of(new SimpleRnn(H, false)));
        float[] p = model.initParams(3);
        float[] x = random(2 * T * F, 5);
        float[] y = model.newNetwork().forward(new StepContext(p, null, new float[0], null), x, 2);
        int wih = 0;
        int whh = H * F;
        int bih = whh + H * H;
        int bhh = bih + H;
        for (int e = 0; e < 2; e++) {
            double[] h = new double[H];
            for (int t = 0; t < T; t++) {
                double[] next = new double[H];
                for (int j = 0; j < H; j++) {
                    double a = p[bih + j] + p[bhh + j];
                    for (int k = 0; k < F; k++) {
                        a += p[wih + j * F + k] * x[(e * T + t) * F + k];
                    }
                    for (int k = 0; k < H; k++) {
                        a += p[whh + j * H + k] * h[k];
                    }
                    next[j] = Math.tanh(a);
                }
                h = next;
                for (int j = 0; j < H; j++) {
                    assertEquals(h[j], y[(e * T + t) * H + j], 1e-5, "example " + e + " step " + t + " unit " + j);
                }
            }
        }
    }

    /** In exact mode the weight gradient of a batch is the exact sum of its examples': one call of 4 equals 1 + 3, bit for bit. */
    @Test
    void exactGradientsDoNotDependOnHowTheBatchIsSplit() {
        Sequential model = new Sequential(Shape.of(T, F), List.of(new SimpleRnn(H, true)));
        float[] p = model.initParams(9);
        float[] x = random(4 * T * F, 11);
        float[] dy = random(4 * H, 13);
        double[] whole = exactGrads(model, p, x, dy, 0, 4);
        double[] parts = exactGrads(model, p, x, dy, 0, 1);
        double[] rest = exactGrads(model, p, x, dy, 1, 3);
        for (int i = 0; i < parts.length; i++) {
            parts[i] += rest[i];
        }
        assertArrayEquals(whole, parts);
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
        Kernel k = model.layers().get(0).kernel(model.inputShape(), model.slot(0));
        float[] y = new float[4 * H];
        k.forward(ctx, 4, x, y);
        k.backward(ctx, 4, x, y, dy.clone(), null);
        for (int i = 0; i < p.length; i++) {
            assertEquals(ctx.grads[i], whole[i], 1e-5, "parameter " + i);
        }
    }

    private static double[] exactGrads(Sequential model, float[] p, float[] x, float[] dy, int from, int n) {
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], null);
        ctx.exactGrads = new double[p.length];
        Kernel k = model.layers().get(0).kernel(model.inputShape(), model.slot(0));
        float[] xs = java.util.Arrays.copyOfRange(x, from * T * F, (from + n) * T * F);
        float[] y = new float[n * H];
        k.forward(ctx, n, xs, y);
        k.backward(ctx, n, xs, y, java.util.Arrays.copyOfRange(dy, from * H, (from + n) * H), null);
        return ctx.exactGrads;
    }

    @Test
    void shapesAndSpecs() {
        Sequential seq = new Sequential(Shape.of(T, F), LayerSpecs.parseAll(List.of("rnn(8)", "dense(2)")));
        assertEquals(Shape.of(T, 2), seq.outputShape(), "dense applies per step after a sequence");
        Sequential last = new Sequential(Shape.of(T, F), LayerSpecs.parseAll(List.of("rnn(8, last)", "dense(2)")));
        assertEquals(Shape.of(2), last.outputShape());
        assertEquals(8 * F + 8 * 8 + 8 + 8 + 2 * 8 + 2, last.paramCount());
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(Shape.of(784), LayerSpecs.parseAll(List.of("rnn(8)"))));
        assertEquals("layer 0 (rnn) with input shape [784]: rnn needs a sequence input [T, F] (set model.inputShape = [T, F]), got [784]", flat.getMessage());
        IllegalArgumentException notRecurrent = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("dense(3, last)"));
        assertTrue(notRecurrent.getMessage().contains("'last' applies to the recurrent layers"), notRecurrent.getMessage());
    }

    private static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
