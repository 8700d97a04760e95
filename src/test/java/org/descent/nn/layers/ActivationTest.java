package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.descent.nn.GradientCheck;
import org.descent.nn.Layer;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every element-wise activation and softmax: finite-difference gradients and reference values. */
class ActivationTest {
    static Stream<Layer> layers() {
        return Stream.of(new ReLU(), new LeakyReLU(0.1), new ELU(), new ELU(0.5), new Tanh(), new Sigmoid(), new Softmax(), new Flatten());
    }

    @ParameterizedTest
    @MethodSource("layers")
    void gradientsMatchFiniteDifferences(Layer layer) {
        for (Mode mode : Mode.values()) {
            // Inputs away from ReLU's kink at 0: finite differences across it are meaningless.
            float[] x = new float[4 * 6];
            for (int i = 0; i < x.length; i++) {
                float v = (float) Math.sin(1.7 * i + 0.3) * 2f;
                x[i] = Math.abs(v) < 0.05f ? 0.3f : v;
            }
            GradientCheck.of(layer, Shape.of(6), 4).input(x).run(mode);
        }
    }

    @Test
    void valuesAgainstTheirFormulas() {
        float[] x = {-2f, -0.5f, 0f, 0.5f, 3f};
        assertArrayEquals(new float[] {0f, 0f, 0f, 0.5f, 3f}, apply(new ReLU(), x));
        assertArrayEquals(new float[] {-0.2f, -0.05f, 0f, 0.5f, 3f}, apply(new LeakyReLU(0.1), x), 1e-7f);
        assertArrayEquals(new float[] {(float) Math.expm1(-2), (float) Math.expm1(-0.5), 0f, 0.5f, 3f}, apply(new ELU(), x), 1e-7f);
        float[] s = apply(new Sigmoid(), new float[] {-100f, 0f, 100f});
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, s, 1e-7f);
        assertEquals((float) Math.tanh(0.5), apply(new Tanh(), x)[3], 1e-7f);
    }

    @Test
    void softmaxRowsSumToOneAndSurviveLargeLogits() {
        float[] y = apply(new Softmax(), new float[] {1000f, 1000f, 999f, 1f, 2f});
        // applied as one example of five values
        double sum = 0;
        for (float v : y) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-6);
        assertEquals(y[0], y[1]);
    }

    @Test
    void invalidHyperparametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(-1));
        assertThrows(IllegalArgumentException.class, () -> new ELU(0));
    }

    private static float[] apply(Layer layer, float[] x) {
        Sequential m = new Sequential(Shape.of(x.length), List.of(layer));
        return m.newNetwork().forward(new StepContext(new float[0], null, new float[0], new double[0]), x, 1).clone();
    }
}
