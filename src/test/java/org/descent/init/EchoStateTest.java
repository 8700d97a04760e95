package org.descent.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.nn.ParamLayout;
import org.descent.nn.Sequential;
import org.descent.nn.recurrent.SimpleRnn;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Echo-state, identity and orthogonal recurrent initialization: the spectral radius is the one asked for, computed. */
class EchoStateTest {
    @Test
    void theSpectralRadiusOfAKnownSpectrumIsItsLargestModulus() {
        // Upper triangular: the eigenvalues are the diagonal (0.5, −2, 1.5).
        float[] w = {0.5f, 7f, -3f, 0f, -2f, 4f, 0f, 0f, 1.5f};
        assertEquals(2.0, EchoState.spectralRadius(w, 0, 3), 1e-12);
        // A rotation by 90° scaled by 3: eigenvalues ±3i, which power iteration on a real vector would never settle on.
        float[] rotation = {0f, -3f, 3f, 0f};
        assertEquals(3.0, EchoState.spectralRadius(rotation, 0, 2), 1e-12);
    }

    @Test
    void echoStateWeightsHaveTheAskedRadiusDenseAndSparse() {
        for (int nonZeros : new int[] {0, 15}) {
            int n = 64;
            float[] w = new float[n * n];
            new EchoState(1.1, nonZeros).fill(w, 0, new TensorShape(n * n, n, n), new Rng(3));
            assertEquals(1.1, EchoState.spectralRadius(w, 0, n), 1e-5, "nonZeros " + nonZeros);
            assertEquals(1.1, gelfand(w, n, 400), 0.1, "an independent estimate, ‖W^k‖^(1/k)");
            if (nonZeros > 0) {
                for (int r = 0; r < n; r++) {
                    int count = 0;
                    for (int c = 0; c < n; c++) {
                        count += w[r * n + c] != 0f ? 1 : 0;
                    }
                    assertEquals(15, count, "row " + r);
                }
            }
        }
    }

    @Test
    void recurrentInitsReachTheLayersWeights() {
        Sequential esn = new Sequential(Shape.of(10, 3), List.of(new SimpleRnn(32, true, RecurrentInit.parse("echo_state"))));
        float[] p = esn.initParams(5);
        ParamLayout.Segment hh = esn.layout().segments().get(1);
        assertEquals("0.rnn.weight_hh", hh.name());
        assertEquals(1.1, EchoState.spectralRadius(p, hh.offset(), 32), 1e-5);
        ParamLayout.Segment ih = esn.layout().segments().get(0);
        double sumSq = 0;
        for (int i = 0; i < ih.spec().length(); i++) {
            sumSq += (double) p[ih.offset() + i] * p[ih.offset() + i];
        }
        assertEquals(0.001, Math.sqrt(sumSq / ih.spec().length()), 0.0002, "input weights N(0, 0.001²)");
        for (int s = 2; s < 4; s++) {
            ParamLayout.Segment bias = esn.layout().segments().get(s);
            for (int i = 0; i < bias.spec().length(); i++) {
                assertEquals(0f, p[bias.offset() + i], bias.name() + ": an echo-state network's units have no bias");
            }
        }
        float[] identity = new Sequential(Shape.of(10, 3), List.of(new SimpleRnn(4, true, RecurrentInit.parse("identity")))).initParams(5);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(r == c ? 1f : 0f, identity[12 + r * 4 + c]);
            }
        }
        float[] orthogonal = new Sequential(Shape.of(10, 3), List.of(new SimpleRnn(8, true, RecurrentInit.parse("orthogonal")))).initParams(5);
        assertEquals(1.0, EchoState.spectralRadius(orthogonal, 24, 8), 1e-5, "an orthogonal matrix's eigenvalues lie on the unit circle");
    }

    @Test
    void badSpecsAreOneLine() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> RecurrentInit.parse("echo_state(0)"));
        assertEquals("recurrent initializer 'echo_state(0)': the spectral radius must be positive, got 0.0", zero.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RecurrentInit.parse("echo_stat"));
        assertTrue(unknown.getMessage().contains("did you mean 'echo_state'"), unknown.getMessage());
    }

    /** Gelfand's formula: ρ(W) = lim ‖W^k‖^(1/k) (Frobenius norm), by repeated squaring with rescaling. */
    private static double gelfand(float[] w, int n, int k) {
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = w[i];
        }
        double[] m = a.clone();
        double logNorm = 0;
        for (int step = 1; step < k; step++) {
            double[] next = new double[n * n];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < n; c++) {
                        s += m[r * n + c] * a[c * n + j];
                    }
                    next[r * n + j] = s;
                }
            }
            double norm = 0;
            for (double v : next) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            logNorm += Math.log(norm);
            for (int i = 0; i < next.length; i++) {
                next[i] /= norm;
            }
            m = next;
        }
        return Math.exp(logNorm / k);
    }
}
