package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.descent.models.LayerSpecs;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** A model's FLOP count per training example, from its layers' shapes, against counts worked out by hand. */
class SequentialTest {
    private static Sequential model(Shape in, String... layers) {
        return new Sequential(in, LayerSpecs.parseAll(List.of(layers)));
    }

    @Test
    void theMlpsStepIsThreeProductsPerLayerButTheFirstLayersInputGradient() {
        Sequential mlp = model(Shape.of(784), "dense(256)", "relu", "dense(256)", "relu", "dense(10)");
        long first = 784 * 256;
        long rest = 256 * 256 + 256 * 10;
        assertEquals(2 * (3 * (first + rest) - first), mlp.trainingFlopsPerExample());
        assertEquals(1_211_392, mlp.trainingFlopsPerExample());
    }

    @Test
    void aConvolutionCountsItsOutputPlaneTimesItsPatchPerChannel() {
        // conv 8×(1·3·3) over a 10×10 plane (padding 1), 2×2 pooling to 5×5, dense 200 → 4.
        Sequential cnn = model(Shape.of(1, 10, 10), "conv2d(8, 3, 1, 1)", "relu", "maxpool2d(2)", "flatten", "dense(4)");
        long conv = 8L * 9 * 100;
        long dense = 200L * 4;
        assertEquals(2 * (2 * conv + 3 * dense), cnn.trainingFlopsPerExample());
    }

    @Test
    void aRecurrentLayerCountsItsGatesAtEveryStepAndTheGradientThroughItsState() {
        Sequential lstm = model(Shape.of(80, 32), "lstm(128, last)", "dense(10)");
        long inputSide = 80L * 32 * 4 * 128;
        long hiddenSide = 80L * 128 * 4 * 128;
        long dense = 128L * 10;
        // The first trained layer: forward and backward (two weight gradients and the one through the state), no input gradient.
        assertEquals(2 * ((inputSide + hiddenSide) + (inputSide + 2 * hiddenSide) + 3 * dense), lstm.trainingFlopsPerExample());
        // A layer before it without parameters adds nothing, and a dense layer on a sequence counts every step.
        Sequential perStep = model(Shape.of(5, 3), "gru(4)", "dense(2)");
        long g = 5L * (3 * 12 + 4 * 12);
        assertEquals(2 * (g + 5L * (3 * 12 + 2 * 4 * 12) + 3 * 5 * 4 * 2), perStep.trainingFlopsPerExample());
    }
}
