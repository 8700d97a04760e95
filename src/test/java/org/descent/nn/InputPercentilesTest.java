package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.descent.models.LayerSpecs;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The BN paper's Figure 1 probe: percentiles of one unit's input, computed by the layers before it in evaluation mode. */
class InputPercentilesTest {
    @Test
    void percentilesInterpolateBetweenOrderStatisticsAsNumpy() {
        double[] sorted = {1, 2, 3, 4, 10};
        // numpy.percentile([1, 2, 3, 4, 10], [15, 50, 85]) = [1.6, 3.0, 6.4]
        assertEquals(1.6, InputPercentiles.percentile(sorted, 15), 1e-12);
        assertEquals(3.0, InputPercentiles.percentile(sorted, 50), 1e-12);
        assertEquals(6.4, InputPercentiles.percentile(sorted, 85), 1e-12);
    }

    /** The input of the sigmoid (layer 1) is the dense layer's output: computed here by hand for unit 2. */
    @Test
    void theUnitsInputIsTheOutputOfTheLayersBeforeIt() {
        Sequential model = new Sequential(Shape.of(4), LayerSpecs.parseAll(List.of("dense(3)", "sigmoid", "dense(2)")));
        float[] p = model.initParams(3);
        float[] buffers = model.initBuffers();
        int n = 101;
        float[] x = new float[n * 4];
        Rng rng = new Rng(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        double[] expected = new double[n];
        for (int e = 0; e < n; e++) {
            double a = p[3 * 4 + 2];   // the bias of unit 2, after the 3 × 4 weights
            for (int k = 0; k < 4; k++) {
                a += p[2 * 4 + k] * x[e * 4 + k];
            }
            expected[e] = (float) a;
        }
        java.util.Arrays.sort(expected);
        double[] q = new InputPercentiles(model, 1, 2, x, n).at(p, buffers);
        assertArrayEquals(new double[] {expected[15], expected[50], expected[85]}, q, 1e-5);
        assertEquals("probe.layer = 3: the model has 3 layers (0 … 2)",
                assertThrows(IllegalArgumentException.class, () -> InputPercentiles.check(model, 3, 0)).getMessage());
        assertEquals("probe.unit = 3: layer 1 (sigmoid) has an input of 3 values [3]",
                assertThrows(IllegalArgumentException.class, () -> InputPercentiles.check(model, 1, 3)).getMessage());
    }
}
