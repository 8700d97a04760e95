package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class BlasTest {
    @AfterAll
    static void restore() {
        Blas.use("auto");
    }

    /** Row-major gemm against a naive triple loop, every transposition, with offsets and beta. */
    @Test
    void rowMajorGemmMatchesNaiveProductOnEveryImplementation() {
        for (String impl : new String[] {"auto", "java"}) {
            Blas.use(impl);
            Rng rng = new Rng(3);
            int m = 5;
            int n = 7;
            int k = 3;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(rng, 2 + m * k);
                    float[] b = random(rng, 1 + k * n);
                    float[] c = random(rng, 4 + m * n);
                    float[] expected = c.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                float av = ta ? a[2 + p * m + i] : a[2 + i * k + p];
                                float bv = tb ? b[1 + j * k + p] : b[1 + p * n + j];
                                s += av * bv;
                            }
                            expected[4 + i * n + j] = (float) (0.5 * s + 2 * c[4 + i * n + j]);
                        }
                    }
                    Blas.gemm(ta, tb, m, n, k, 0.5f, a, 2, b, 1, 2f, c, 4);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(expected[i], c[i], 1e-5, impl + " transA=" + ta + " transB=" + tb + " at " + i);
                    }
                }
            }
            assertFalse(Blas.get().description().isBlank());
        }
    }

    /** The reference BLAS that python3-torch pulls in is used only when it beats pure Java. */
    @Test
    void autoAvoidsASlowerUnknownNativeLibrary() {
        assertEquals(Blas.Choice.NATIVE_OPTIMIZED,
                Blas.decide("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", () -> 9, () -> 1));
        assertEquals(Blas.Choice.JAVA_FASTER, Blas.decide("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", () -> 9, () -> 1));
        assertEquals(Blas.Choice.NATIVE_FASTER, Blas.decide("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", () -> 1, () -> 9));
    }

    @Test
    void unknownPreferenceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Blas.use("fastest"));
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** The kernel family is reported only for OpenBLAS, whose environment variable it is. */
    @Test
    void coreTypeIsReportedOnlyForOpenBlas() {
        assertEquals("", Blas.coreType("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
        String core = System.getenv("OPENBLAS_CORETYPE");
        String expected = core == null || core.isEmpty() ? "" : ", kernels OPENBLAS_CORETYPE=" + core;
        assertEquals(expected, Blas.coreType("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"));
    }
}
