package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class DropoutTest {
    private final Sequential model = new Sequential(Shape.of(10_000), List.of(new Dropout(0.3)));

    private float[] run(Mode mode, long seed) {
        float[] x = new float[10_000];
        Arrays.fill(x, 1f);
        StepContext ctx = new StepContext(new float[0], new float[0], new float[0], new double[0]);
        ctx.mode = mode;
        ctx.seed = seed;
        return model.newNetwork().forward(ctx, x, 1).clone();
    }

    @Test
    void dropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        float[] y = run(Mode.TRAIN, 5);
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1f / 0.7f, v, 1e-6f);
            }
        }
        assertEquals(0.3, zeros / 10_000.0, 0.02);
    }

    @Test
    void maskIsAFunctionOfTheSeed() {
        assertArrayEquals(run(Mode.TRAIN, 5), run(Mode.TRAIN, 5));
        assertFalse(Arrays.equals(run(Mode.TRAIN, 5), run(Mode.TRAIN, 6)));
    }

    @Test
    void evaluationIsTheIdentity() {
        float[] y = run(Mode.EVAL, 5);
        for (float v : y) {
            assertEquals(1f, v);
        }
    }

    @Test
    void gradientFlowsOnlyThroughKeptUnits() {
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new Dropout(0.5), Shape.of(8), 3).run(mode);
        }
        Network net = model.newNetwork();
        assertTrue(net != null);
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    }
}
