package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** MaxPool2d and AvgPool2d. */
class PoolingTest {
    private static final float[] X = {
        1, 2, 0, 1,
        3, 4, 1, 9,
        0, 0, 5, 6,
        -1, 7, 8, 2,
    };

    @Test
    void maxPoolPicksWindowMaximaAndRoutesGradientsToThem() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        Sequential m = new Sequential(Shape.of(1, 4, 4), List.of(pool));
        StepContext ctx = new StepContext(new float[0], new float[0], new float[0], new double[0]);
        Kernel k = pool.kernel(Shape.of(1, 4, 4), m.slot(0));
        float[] y = new float[4];
        k.forward(ctx, 1, X, y);
        assertArrayEquals(new float[] {4, 9, 7, 8}, y);
        float[] dx = new float[16];
        k.backward(ctx, 1, X, y, new float[] {1, 2, 3, 4}, dx);
        float[] expected = new float[16];
        expected[5] = 1;
        expected[7] = 2;
        expected[13] = 3;
        expected[14] = 4;
        assertArrayEquals(expected, dx);
    }

    @Test
    void avgPoolAveragesOverlappingWindows() {
        AvgPool2d pool = new AvgPool2d(2, 1);
        Sequential m = new Sequential(Shape.of(1, 4, 4), List.of(pool));
        assertEquals(Shape.of(1, 3, 3), m.outputShape());
        float[] y = m.newNetwork().forward(new StepContext(new float[0], null, new float[0], new double[0]), X, 1);
        assertEquals((1 + 2 + 3 + 4) / 4f, y[0]);
        assertEquals((5 + 6 + 8 + 2) / 4f, y[8]);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        float[] x = new float[2 * 2 * 5 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i * i + i);   // distinct values: no ties inside a window
        }
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new MaxPool2d(2, 2), Shape.of(2, 5, 5), 2).input(x).step(1e-3).run(mode);
            GradientCheck.of(new MaxPool2d(3, 1), Shape.of(2, 5, 5), 2).input(x).step(1e-3).run(mode);
            GradientCheck.of(new AvgPool2d(2, 2), Shape.of(2, 5, 5), 2).run(mode);
            GradientCheck.of(new AvgPool2d(3, 2), Shape.of(2, 5, 5), 2).run(mode);
        }
        assertEquals(Shape.of(2, 2, 2), new Sequential(Shape.of(2, 5, 5), List.of(new MaxPool2d(2, 2))).outputShape());
    }
}
