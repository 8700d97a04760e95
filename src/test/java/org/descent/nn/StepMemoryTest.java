package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.LayerSpecs;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The batch regimes' memory column: a step's workspaces grow with its examples, about linearly, and hold at least the activations. */
class StepMemoryTest {
    @Test
    void memoryPerStepGrowsWithTheExamplesPerStep() {
        Sequential mlp = new Sequential(Shape.of(784), LayerSpecs.parseAll(List.of("dense(100)", "relu", "dense(10)")));
        long one = StepMemory.measure(mlp, new SoftmaxCrossEntropy(), 1);
        long batch = StepMemory.measure(mlp, new SoftmaxCrossEntropy(), 5000);
        long minibatch = StepMemory.measure(mlp, new SoftmaxCrossEntropy(), 128);
        assertTrue(one < minibatch && minibatch < batch, one + " < " + minibatch + " < " + batch);
        // Each further example holds at least its activations, 100 + 100 + 10 floats (and their gradients' buffers).
        double perExample = (double) (batch - minibatch) / (5000 - 128);
        assertTrue(perExample >= 210 * 4, perExample + " bytes per example");
        // The fixed part (parameters' gradient, kernels) is the same whatever the batch: one example costs far less than 128.
        assertTrue(one < minibatch - 100 * perExample, one + " vs " + minibatch);
    }
}
