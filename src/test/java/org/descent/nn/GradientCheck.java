package org.descent.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * Finite-difference check of one layer's backward pass, for tests.
 *
 * <p>The scalar checked is {@code L = Σ r ⊙ y} with a fixed random {@code r}, so {@code ∂L/∂y = r}.
 * Parameters and inputs are perturbed by ±h (central differences, float32 forward passes); an
 * analytic value {@code a} and a numeric value {@code d} agree when
 * {@code |a − d| ≤ atol + rtol · max(|a|, |d|)}. Parameters are random normal (scaled by
 * {@code paramScale}), inputs random normal.
 */
public final class GradientCheck {
    private final Layer layer;
    private final Shape in;
    private final int n;
    private double h = 1e-2;
    private double rtol = 2e-2;
    private double atol = 2e-3;
    private double paramScale = 0.5;
    private long seed = 42;
    private float[] params;
    private float[] input;

    private GradientCheck(Layer layer, Shape in, int n) {
        this.layer = layer;
        this.in = in;
        this.n = n;
    }

    public static GradientCheck of(Layer layer, Shape in, int n) {
        return new GradientCheck(layer, in, n);
    }

    public GradientCheck step(double h) {
        this.h = h;
        return this;
    }

    public GradientCheck tolerance(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
        return this;
    }

    public GradientCheck paramScale(double s) {
        this.paramScale = s;
        return this;
    }

    public GradientCheck seed(long s) {
        this.seed = s;
        return this;
    }

    /** Uses these parameters instead of random ones. */
    public GradientCheck params(float[] p) {
        this.params = p.clone();
        return this;
    }

    /** Uses this input ({@code n × in.size()}) instead of a random one. */
    public GradientCheck input(float[] x) {
        this.input = x.clone();
        return this;
    }

    /** Runs the check in {@code mode}; fails the test naming the first mismatching coordinate. */
    public void run(Mode mode) {
        Sequential model = new Sequential(in, List.of(layer));
        Shape out = model.outputShape();
        Rng rng = new Rng(seed);
        float[] p = params != null ? params.clone() : new float[model.paramCount()];
        if (params == null) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (paramScale * rng.nextGaussian());
            }
        }
        float[] x = input != null ? input.clone() : new float[n * in.size()];
        if (input == null) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
        }
        float[] r = new float[n * out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        float[] buffers = model.initBuffers();
        // Non-trivial running statistics so eval mode is not the identity transform.
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = 0.5f + 0.25f * (float) Math.abs(rng.nextGaussian());
        }
        StepContext ctx = new StepContext(p, new float[p.length], buffers, new double[model.statsSize()]);
        ctx.mode = mode;
        ctx.seed = seed;
        Kernel k = layer.kernel(in, model.slot(0));
        float[] y = new float[n * out.size()];
        float[] dx = new float[x.length];
        k.forward(ctx, n, x, y);
        float[] dy = r.clone();
        k.backward(ctx, n, x, y, dy, dx);
        float[] analyticP = ctx.grads.clone();

        for (int i = 0; i < p.length; i++) {
            float saved = p[i];
            p[i] = (float) (saved + h);
            double plus = objective(k, ctx, x, y, r);
            p[i] = (float) (saved - h);
            double minus = objective(k, ctx, x, y, r);
            p[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            compare("parameter " + model.layout().segmentAt(i).name() + "[" + (i - model.layout().segmentAt(i).offset()) + "]",
                    analyticP[i], numeric, mode);
        }
        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            x[i] = (float) (saved + h);
            double plus = objective(k, ctx, x, y, r);
            x[i] = (float) (saved - h);
            double minus = objective(k, ctx, x, y, r);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            compare("input[" + i + "]", dx[i], numeric, mode);
        }
    }

    private double objective(Kernel k, StepContext ctx, float[] x, float[] y, float[] r) {
        k.forward(ctx, n, x, y);
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }

    private void compare(String what, double analytic, double numeric, Mode mode) {
        double err = Math.abs(analytic - numeric);
        if (err > atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric))) {
            fail(layer.type() + " " + mode + " " + in + " n=" + n + ": gradient of " + what
                    + " analytic " + analytic + " vs finite difference " + numeric);
        }
    }
}
