package org.descent.init;

import dev.ludovic.netlib.lapack.LAPACK;
import org.descent.tensor.Rng;
import org.netlib.util.intW;

/**
 * Echo-state initialization of hidden-to-hidden weights (Jaeger 2001; Sutskever, Martens, Dahl &amp; Hinton 2013,
 * §4 "ESN-based initialization", as the batch-norm deck's RNN slides): a square matrix with unit-Gaussian entries,
 * dense or with {@code nonZeros} non-zero incoming weights per unit (the sparse initialization's connectivity; 15
 * in the paper), then multiplied by {@code ρ / ρ(W)} so that its spectral radius — the largest modulus of its
 * eigenvalues, computed with LAPACK's {@code dgeev}, not assumed from random-matrix theory — is the given
 * {@code ρ} (1.1 in the paper: a little above the edge of chaos, so the echoes of the inputs last).
 */
final class EchoState implements Initializer {
    private static final long serialVersionUID = 1L;
    private final double radius;
    private final int nonZeros;

    EchoState(double radius, int nonZeros) {
        if (!(radius > 0)) {
            throw new IllegalArgumentException("echo_state needs a positive spectral radius, got " + radius);
        }
        if (nonZeros < 0) {
            throw new IllegalArgumentException("echo_state needs nonZeros ≥ 0 (0: dense), got " + nonZeros);
        }
        this.radius = radius;
        this.nonZeros = nonZeros;
    }

    @Override
    public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
        int n = shape.rows();
        if (shape.length() != n * n) {
            throw new IllegalArgumentException("echo_state initializes square hidden-to-hidden matrices, got " + n + " rows of " + shape.length() / n);
        }
        if (nonZeros > 0) {
            new Sparse(nonZeros).fill(w, offset, shape, rng);
        } else {
            for (int i = 0; i < n * n; i++) {
                w[offset + i] = (float) rng.nextGaussian();
            }
        }
        double rho = spectralRadius(w, offset, n);
        if (!(rho > 0)) {
            throw new IllegalArgumentException("echo_state: the drawn " + n + "×" + n + " matrix has spectral radius 0 (nilpotent); use more nonZeros");
        }
        float scale = (float) (radius / rho);
        for (int i = 0; i < n * n; i++) {
            w[offset + i] *= scale;
        }
    }

    /** The largest eigenvalue modulus of the row-major {@code n × n} matrix at {@code offset}, by LAPACK's dgeev. */
    static double spectralRadius(float[] w, int offset, int n) {
        double[] a = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                a[c * n + r] = w[offset + r * n + c];   // column-major for LAPACK
            }
        }
        double[] re = new double[n];
        double[] im = new double[n];
        double[] query = new double[1];
        intW info = new intW(0);
        LAPACK lapack = LAPACK.getInstance();
        lapack.dgeev("N", "N", n, a, n, re, im, new double[1], 1, new double[1], 1, query, -1, info);
        double[] work = new double[Math.max(1, (int) query[0])];
        lapack.dgeev("N", "N", n, a, n, re, im, new double[1], 1, new double[1], 1, work, work.length, info);
        if (info.val != 0) {
            throw new IllegalStateException("LAPACK dgeev did not converge (info " + info.val + ")");
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.hypot(re[i], im[i]));
        }
        return max;
    }

    @Override
    public String toString() {
        return "echo_state(" + radius + ", " + nonZeros + ")";
    }
}
