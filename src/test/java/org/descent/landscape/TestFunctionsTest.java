package org.descent.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TestFunctionsTest {
    @Test
    void gradientsMatchCentralDifferences() {
        double h = 1e-6;
        double[] g = new double[2];
        for (String name : TestFunctions.names()) {
            TestFunction f = TestFunctions.byName(name);
            for (double[] p : new double[][] {{1, 1.5}, {-0.7, 0.3}, {2.2, -1.1}, {0.1, 0.9}}) {
                f.gradient(p[0], p[1], g);
                double dx = (f.value(p[0] + h, p[1]) - f.value(p[0] - h, p[1])) / (2 * h);
                double dy = (f.value(p[0], p[1] + h) - f.value(p[0], p[1] - h)) / (2 * h);
                assertEquals(dx, g[0], 1e-5 * Math.max(1, Math.abs(dx)), name + " ∂x at " + p[0] + "," + p[1]);
                assertEquals(dy, g[1], 1e-5 * Math.max(1, Math.abs(dy)), name + " ∂y at " + p[0] + "," + p[1]);
            }
        }
    }

    @Test
    void minimaAreWhereTheyShouldBe() {
        for (String name : TestFunctions.names()) {
            TestFunction f = TestFunctions.byName(name);
            double[] m = f.minimum();
            if (m != null) {
                assertEquals(0, f.value(m[0], m[1]), 1e-12, name);
                double[] g = new double[2];
                f.gradient(m[0], m[1], g);
                assertEquals(0, Math.hypot(g[0], g[1]), 1e-12, name);
            }
        }
        assertEquals(0, new Saddle().value(0, 0));
        assertTrue(new Saddle().value(0, 0.1) < 0 && new Saddle().value(0.1, 0) > 0);
    }

    @Test
    void unknownNameSuggestsTheNearest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestFunctions.byName("rosenbrok"));
        assertTrue(e.getMessage().contains("did you mean 'rosenbrock'"), e.getMessage());
    }
}
