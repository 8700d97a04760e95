package org.descent.bench;

import java.util.Arrays;
import org.descent.tensor.Blas;
import org.descent.tensor.Rng;

/**
 * The machine's single-thread matrix-product rate through the active BLAS: {@code C = A · Bᵀ} (the layout of a dense
 * layer's forward product) of an {@code m × k} by {@code k × n} product, {@code 2·m·n·k} FLOP per call, timed over
 * repeated calls. It is the limit a training step's products can reach on one core; a model's GFLOP/s is compared
 * with it. {@link #dgemmGigaflops} does the same in double precision: the limit of {@code engine.reduction = exact}'s
 * weight gradients, each of whose terms is one double multiply-add (a fused multiply-add that also rounds the term to
 * the grid) and an integer add.
 */
public final class SgemmRate {
    private SgemmRate() {
    }

    /** Median GFLOP/s over {@code trials} timed runs of at least {@code minSeconds} each, after one untimed run. */
    public static double gigaflops(int m, int n, int k, double minSeconds, int trials) {
        if (m <= 0 || n <= 0 || k <= 0 || trials <= 0) {
            throw new IllegalArgumentException("an SGEMM needs positive sizes and trials, got " + m + "×" + n + "×" + k + ", " + trials);
        }
        Rng rng = new Rng(11);
        float[] a = random(rng, m * k);
        float[] b = random(rng, n * k);
        float[] c = new float[m * n];
        return median(m, n, k, () -> Blas.gemm(false, true, m, n, k, 1f, a, 0, b, 0, 0f, c, 0), minSeconds, trials);
    }

    /** {@link #gigaflops} for the double-precision product {@code C = A · Bᵀ} of an {@code n × n} by {@code n × n}. */
    public static double dgemmGigaflops(int n, double minSeconds, int trials) {
        if (n <= 0 || trials <= 0) {
            throw new IllegalArgumentException("a DGEMM needs a positive size and trials, got " + n + ", " + trials);
        }
        Rng rng = new Rng(13);
        double[] a = randomDoubles(rng, n * n);
        double[] b = randomDoubles(rng, n * n);
        double[] c = new double[n * n];
        return median(n, n, n, () -> Blas.dgemmTransB(n, n, n, a, b, c), minSeconds, trials);
    }

    /** The median GFLOP/s of an {@code m × n × k} product's {@code call} over {@code trials} timed runs, after one untimed. */
    private static double median(int m, int n, int k, Runnable call, double minSeconds, int trials) {
        timed(m, n, k, call, Math.min(minSeconds, 0.05));
        double[] rates = new double[trials];
        for (int t = 0; t < trials; t++) {
            rates[t] = timed(m, n, k, call, minSeconds);
        }
        Arrays.sort(rates);
        return rates[trials / 2];
    }

    private static double timed(int m, int n, int k, Runnable call, double minSeconds) {
        long calls = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            call.run();
            calls++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < minSeconds * 1e9);
        return 2.0 * m * n * k * calls / elapsed;
    }

    private static double[] randomDoubles(Rng rng, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextFloat() - 0.5;
        }
        return v;
    }

    private static float[] random(Rng rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextFloat() - 0.5f;
        }
        return v;
    }
}
