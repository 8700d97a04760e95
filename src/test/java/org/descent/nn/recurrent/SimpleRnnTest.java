package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.models.LayerSpecs;
import org.descent.nn.GradientCheck;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.nn.layers.Dense;
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

    @Test
    void exactGradientsDoNotDependOnHowTheBatchIsSplit() {
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(new SimpleRnn(H, true), T, F);
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(new SimpleRnn(H, false), T, F);
    }

    @Test
    void evaluationInChunksMatchesOneBatch() {
        RecurrentFixtures.assertEvaluationInChunksMatchesOneBatch(new SimpleRnn(H, false));
        RecurrentFixtures.assertEvaluationInChunksMatchesOneBatch(new SimpleRnn(H, true));
    }

    @Test
    void matchesPyTorchsRnn() {
        assertEquals(2, RecurrentFixtures.assertMatchesTorch("rnn", (h, last) -> new SimpleRnn(h, last)));
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
        return RecurrentFixtures.random(n, seed);
    }
}
