package org.descent.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class InitializersTest {
    private static final ParamSpec SPEC = new ParamSpec("weight", 300 * 400, 400, 300, null, true);

    private static float[] fill(Initializer init, ParamSpec spec, long seed) {
        float[] w = new float[spec.length()];
        init.fill(w, 0, spec.shape(), new Rng(seed));
        return w;
    }

    private static double std(float[] w) {
        double s = 0;
        double s2 = 0;
        for (float v : w) {
            s += v;
            s2 += (double) v * v;
        }
        double mean = s / w.length;
        assertEquals(0, mean, 3e-3 + 0.02 * Math.sqrt(s2 / w.length));
        return Math.sqrt(s2 / w.length - mean * mean);
    }

    /** Each scaled distribution's standard deviation against its formula (fanIn 400, fanOut 300), within 2 %. */
    @Test
    void standardDeviationsFollowTheirFormulas() {
        double n = 400;
        double fans = 700;
        Object[][] table = {
            {"xavier_uniform", Math.sqrt(6 / fans) / Math.sqrt(3)},
            {"xavier_normal", Math.sqrt(2 / fans)},
            {"lecun_uniform", Math.sqrt(3 / n) / Math.sqrt(3)},
            {"lecun_normal", Math.sqrt(1 / n)},
            {"he_uniform", Math.sqrt(6 / n) / Math.sqrt(3)},
            {"he_normal", Math.sqrt(2 / n)},
            {"uniform(0.05)", 0.05 / Math.sqrt(3)},
            {"normal(0.01)", 0.01},
        };
        for (Object[] row : table) {
            double s = std(fill(Initializers.byName((String) row[0]), SPEC, 1));
            assertEquals((double) row[1], s, 0.02 * (double) row[1], (String) row[0]);
        }
        float[] c = fill(Initializers.byName("constant(0.01)"), SPEC, 1);
        assertEquals(0.01f, c[123]);
        assertEquals(0f, fill(Initializers.zeros(), SPEC, 1)[7]);
    }

    @Test
    void orthogonalRowsAreOrthonormal() {
        for (int[] shape : new int[][] {{20, 50}, {50, 20}, {16, 16}}) {
            ParamSpec spec = new ParamSpec("weight", shape[0] * shape[1], shape[1], shape[0], null, true);
            float[] w = fill(Initializers.orthogonal(2.0), spec, 3);
            int rows = shape[0];
            int cols = shape[1];
            boolean byRows = rows <= cols;
            int vectors = byRows ? rows : cols;
            for (int a = 0; a < vectors; a++) {
                for (int b = 0; b < vectors; b++) {
                    double dot = 0;
                    for (int i = 0; i < (byRows ? cols : rows); i++) {
                        double x = byRows ? w[a * cols + i] : w[i * cols + a];
                        double y = byRows ? w[b * cols + i] : w[i * cols + b];
                        dot += x * y;
                    }
                    assertEquals(a == b ? 4.0 : 0.0, dot, 1e-4, "gain² I at " + a + "," + b);
                }
            }
        }
    }

    @Test
    void sparseGivesEachUnitExactlyFifteenGaussianInputs() {
        ParamSpec spec = new ParamSpec("weight", 100 * 784, 784, 100, null, true);
        float[] w = fill(Initializers.byName("sparse"), spec, 4);
        double s2 = 0;
        for (int r = 0; r < 100; r++) {
            Set<Integer> positions = new HashSet<>();
            for (int c = 0; c < 784; c++) {
                if (w[r * 784 + c] != 0f) {
                    positions.add(c);
                    s2 += w[r * 784 + c] * w[r * 784 + c];
                }
            }
            assertEquals(15, positions.size(), "unit " + r);
        }
        assertEquals(1.0, s2 / 1500, 0.1);
        ParamSpec narrow = new ParamSpec("weight", 3 * 10, 10, 3, null, true);
        float[] few = fill(Initializers.sparse(15), narrow, 4);
        for (float v : few) {
            assertTrue(v != 0f);
        }
    }

    @Test
    void sameStreamSameValues() {
        assertArrayEquals(fill(Initializers.heNormal(), SPEC, 9), fill(Initializers.heNormal(), SPEC, 9));
    }

    @Test
    void namesParseAndErrorsSuggest() {
        assertEquals("orthogonal(1.41)", Initializers.byName("orthogonal(1.41)").toString());
        assertEquals("sparse(10)", Initializers.byName("sparse(10)").toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Initializers.byName("he_normall")).getMessage().contains("he_normal"));
        assertThrows(IllegalArgumentException.class, () -> Initializers.byName("he_normal(2)"));
        assertThrows(IllegalArgumentException.class, () -> Initializers.byName("uniform(x)"));
        assertThrows(IllegalArgumentException.class, () -> Initializers.byName("sparse(0)"));
    }
}
