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

/**
 * What LSTM and GRU are each tested for: PyTorch's outputs and gradients, BPTT by finite differences, split-independent
 * exact gradients, shapes and specs, and the recurrent initializer applied per gate block.
 */
abstract class GatedLayerTestBase {
    /** The layer's spec name (lstm, gru), also its fixtures' kind. */
    abstract String kind();

    abstract RecurrentLayer make(int hidden, boolean last, RecurrentInit init);

    private RecurrentLayer make(int hidden, boolean last) {
        return make(hidden, last, RecurrentInit.DEFAULT);
    }

    @Test
    void matchesPyTorch() {
        assertEquals(4, RecurrentFixtures.assertMatchesTorch(kind(), this::make));
    }

    @Test
    void backpropagationThroughTimeMatchesFiniteDifferences() {
        GradientCheck.of(make(4, false), Shape.of(5, 3), 3).run(Mode.TRAIN);
        GradientCheck.of(make(4, true), Shape.of(5, 3), 3).run(Mode.TRAIN);
        GradientCheck.of(make(2, false), Shape.of(12, 1), 2).paramScale(1.0).run(Mode.TRAIN);
    }

    @Test
    void exactGradientsDoNotDependOnHowTheBatchIsSplit() {
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(make(4, true), 5, 3);
        RecurrentFixtures.assertExactGradientsIgnoreTheSplit(make(4, false), 5, 3);
    }

    @Test
    void evaluationInChunksMatchesOneBatch() {
        RecurrentFixtures.assertEvaluationInChunksMatchesOneBatch(make(5, false));
        RecurrentFixtures.assertEvaluationInChunksMatchesOneBatch(make(5, true));
    }

    @Test
    void shapesSpecsAndPerGateInitialization() {
        int gates = make(1, false).gates();
        Sequential seq = new Sequential(Shape.of(7, 3), LayerSpecs.parseAll(List.of(kind() + "(8)", "dense(2)")));
        assertEquals(Shape.of(7, 2), seq.outputShape());
        Sequential last = new Sequential(Shape.of(7, 3), LayerSpecs.parseAll(List.of(kind() + "(8, last)")));
        assertEquals(Shape.of(8), last.outputShape());
        assertEquals(gates * 8 * (3 + 8 + 2), last.paramCount());
        // identity(1) on each gate's [H, H] block of weight_hh: every block is the identity.
        int h = 3;
        Sequential identity = new Sequential(Shape.of(4, 2), List.of(make(h, true, RecurrentInit.parse("identity"))));
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
