package org.descent.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.descent.init.RecurrentInit;
import org.descent.models.LayerSpecs;
import org.descent.nn.GradientCheck;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The lstm layer: against PyTorch's nn.LSTM, BPTT by finite differences, exact mode, shapes and per-gate initialization. */
class LstmTest {
    @Test
    void matchesPyTorch() {
        assertEquals(4, RecurrentFixtures.assertMatchesTorch("lstm", (h, last) -> new Lstm(h, last)));
    }

    @Test
    void backpropagationThroughTimeMatchesFiniteDifferences() {
        GradientCheck.of(new Lstm(4, false), Shape.of(5, 3), 3).run(Mode.TRAIN);
        GradientCheck.of(new Lstm(4, true), Shape.of(5, 3), 3).run(Mode.TRAIN);
        GradientCheck.of(new Lstm(2, false), Shape.of(12, 1), 2).paramScale(1.0).run(Mode.TRAIN);
    }

    @Test
    void exactGradientsDoNotDependOnHowTheBatchIsSplit() {
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(new Lstm(4, true), 5, 3);
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(new Lstm(4, false), 5, 3);
    }

    @Test
    void shapesSpecsAndPerGateInitialization() {
        int gates = new Lstm(1, false).gates();
        Sequential seq = new Sequential(Shape.of(7, 3), LayerSpecs.parseAll(List.of("lstm(8)", "dense(2)")));
        assertEquals(Shape.of(7, 2), seq.outputShape());
        Sequential last = new Sequential(Shape.of(7, 3), LayerSpecs.parseAll(List.of("lstm(8, last)")));
        assertEquals(Shape.of(8), last.outputShape());
        assertEquals(gates * 8 * (3 + 8 + 2), last.paramCount());
        // identity(1) on each gate's [H, H] block of weight_hh: every block is the identity.
        int h = 3;
        Sequential identity = new Sequential(Shape.of(4, 2), List.of(new Lstm(h, true, RecurrentInit.parse("identity"))));
        float[] p = identity.initParams(1);
        int whh = gates * h * 2;
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < h; j++) {
                    assertEquals(i == j ? 1f : 0f, p[whh + (g * h + i) * h + j], "gate " + g + " (" + i + ", " + j + ")");
                }
            }
        }
    }
}
