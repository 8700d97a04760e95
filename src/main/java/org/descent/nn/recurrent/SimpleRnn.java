package org.descent.nn.recurrent;

import java.util.List;
import org.descent.init.Initializer;
import org.descent.init.RecurrentInit;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.ParamSpec;
import org.descent.nn.StepContext;
import org.descent.tensor.Blas;
import org.descent.tensor.ExactSum;
import org.descent.tensor.Shape;

/**
 * The Elman recurrent layer {@code rnn(H)} (PyTorch's {@code nn.RNN} with tanh, one layer, batch first): over an
 * input {@code [T, F]}, with {@code h_0 = 0},
 * <pre>  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),   t = 1 … T</pre>
 * returning every {@code h_t} ({@code [T, H]}) or, as {@code rnn(H, last)}, {@code h_T} ({@code [H]}). Parameters in
 * PyTorch's order and layout: {@code W_ih [H, F]}, {@code W_hh [H, H]}, {@code b_ih [H]}, {@code b_hh [H]}; by
 * default U(±1/√H) as PyTorch.
 *
 * <p>Backpropagation through time, with {@code g_t = ∂L/∂h_t} (from the output, plus what step t+1 sends back):
 * {@code δ_t = g_t ⊙ (1 − h_t²)}, {@code ∂L/∂W_ih += δ_t x_tᵀ}, {@code ∂L/∂W_hh += δ_t h_{t−1}ᵀ},
 * {@code ∂L/∂b_ih = ∂L/∂b_hh += δ_t}, {@code ∂L/∂x_t = W_ihᵀ δ_t}, and {@code W_hhᵀ δ_t} is added to {@code g_{t−1}}.
 * The input projection of all steps is one product over the batch's {@code n·T} rows (one row at a time in exact
 * mode, where every weight-gradient term goes to the exact accumulator); the recurrent product runs per step.
 */
public final class SimpleRnn implements Layer {
    private static final long serialVersionUID = 1L;
    private final int hidden;
    private final boolean lastOnly;
    private final RecurrentInit init;

    public SimpleRnn(int hidden, boolean lastOnly) {
        this(hidden, lastOnly, RecurrentInit.DEFAULT);
    }

    /** {@code init}: how the input-to-hidden and hidden-to-hidden weights start (null parts: PyTorch's U(±1/√H)). */
    public SimpleRnn(int hidden, boolean lastOnly, RecurrentInit init) {
        if (hidden <= 0) {
            throw new IllegalArgumentException("rnn needs a positive number of hidden units, got " + hidden);
        }
        this.hidden = hidden;
        this.lastOnly = lastOnly;
        this.init = init;
    }

    /** A copy that starts from other weights. */
    public SimpleRnn withInit(RecurrentInit other) {
        return new SimpleRnn(hidden, lastOnly, other);
    }

    public int hidden() {
        return hidden;
    }

    /** Whether only the last step's state is returned. */
    public boolean lastOnly() {
        return lastOnly;
    }

    @Override
    public String type() {
        return "rnn";
    }

    /** {@code [T, F]}: the steps and features of a sequence input. */
    static void checkSequence(String type, Shape in) {
        if (in.rank() != 2) {
            throw new IllegalArgumentException(type + " needs a sequence input [T, F] (set model.inputShape = [T, F]), got " + in);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        checkSequence(type(), in);
        return lastOnly ? Shape.of(hidden) : Shape.of(in.dim(0), hidden);
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        int f = in.dim(1);
        Initializer uniform = new HiddenUniform(hidden);
        return List.of(new ParamSpec("weight_ih", hidden * f, f, hidden, init.input() != null ? init.input() : uniform, true),
                new ParamSpec("weight_hh", hidden * hidden, hidden, hidden, init.recurrent() != null ? init.recurrent() : uniform, true),
                new ParamSpec("bias_ih", hidden, f, hidden, uniform, false),
                new ParamSpec("bias_hh", hidden, hidden, hidden, uniform, false));
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new RnnKernel(in.dim(0), in.dim(1), hidden, lastOnly, slot);
    }

    @Override
    public String toString() {
        return "rnn(" + hidden + (lastOnly ? ", last" : "") + ")";
    }

    /** PyTorch's initialization of every recurrent parameter: U(−1/√H, 1/√H) for H hidden units. */
    record HiddenUniform(int hidden) implements Initializer {
        @Override
        public void fill(float[] w, int offset, org.descent.init.TensorShape shape, org.descent.tensor.Rng rng) {
            double bound = 1.0 / Math.sqrt(hidden);
            for (int i = 0; i < shape.length(); i++) {
                w[offset + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
        }
    }

    /** Caches of the last training forward: every step's state (with h_0) per example; workspaces for backward. */
    private static final class RnnKernel implements Kernel {
        private final int steps;
        private final int features;
        private final int hidden;
        private final boolean lastOnly;
        private final int wih;
        private final int whh;
        private final int bih;
        private final int bhh;
        private float[] states = new float[0];
        private final float[] grad;
        private final float[] back;

        RnnKernel(int steps, int features, int hidden, boolean lastOnly, LayerSlot slot) {
            this.steps = steps;
            this.features = features;
            this.hidden = hidden;
            this.lastOnly = lastOnly;
            this.wih = slot.paramOffset();
            this.whh = wih + hidden * features;
            this.bih = whh + hidden * hidden;
            this.bhh = bih + hidden;
            this.grad = new float[hidden];
            this.back = new float[hidden];
        }

        /** Offset of h_t (t = 0 … T) of example e in {@link #states}. */
        private int state(int e, int t) {
            return (e * (steps + 1) + t) * hidden;
        }

        @Override
        public void forward(StepContext ctx, int n, float[] x, float[] y) {
            int needed = n * (steps + 1) * hidden;
            if (states.length < needed) {
                states = new float[needed];
            }
            float[] p = ctx.params;
            boolean exact = ctx.exactGrads != null;
            for (int e = 0; e < n; e++) {
                java.util.Arrays.fill(states, state(e, 0), state(e, 0) + hidden, 0f);
                // The input projection of every step of this example at once: rows x_t, W_ih x_t into h_1 … h_T.
                if (exact) {
                    for (int t = 0; t < steps; t++) {
                        Blas.gemm(false, true, 1, hidden, features, 1f, x, (e * steps + t) * features, p, wih, 0f, states, state(e, t + 1));
                    }
                } else {
                    Blas.gemm(false, true, steps, hidden, features, 1f, x, e * steps * features, p, wih, 0f, states, state(e, 1));
                }
                for (int t = 1; t <= steps; t++) {
                    int h = state(e, t);
                    Blas.gemm(false, true, 1, hidden, hidden, 1f, states, state(e, t - 1), p, whh, 1f, states, h);
                    for (int j = 0; j < hidden; j++) {
                        states[h + j] = (float) Math.tanh(states[h + j] + p[bih + j] + p[bhh + j]);
                    }
                }
                if (lastOnly) {
                    System.arraycopy(states, state(e, steps), y, e * hidden, hidden);
                } else {
                    System.arraycopy(states, state(e, 1), y, e * steps * hidden, steps * hidden);
                }
            }
        }

        @Override
        public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
            float[] p = ctx.params;
            float[] g = ctx.grads;
            double[] exact = ctx.exactGrads;
            for (int e = 0; e < n; e++) {
                java.util.Arrays.fill(back, 0f);
                for (int t = steps; t >= 1; t--) {
                    int h = state(e, t);
                    int out = lastOnly ? (t == steps ? e * hidden : -1) : (e * steps + t - 1) * hidden;
                    for (int j = 0; j < hidden; j++) {
                        float gj = back[j] + (out >= 0 ? dy[out + j] : 0f);
                        float hj = states[h + j];
                        grad[j] = gj * (1 - hj * hj);
                    }
                    int prev = state(e, t - 1);
                    int xt = (e * steps + t - 1) * features;
                    for (int j = 0; j < hidden; j++) {
                        float d = grad[j];
                        if (d == 0f) {
                            continue;
                        }
                        if (exact != null) {
                            ExactSum.addScaled(exact, wih + j * features, d, x, xt, features);
                            ExactSum.addScaled(exact, whh + j * hidden, d, states, prev, hidden);
                            double q = ExactSum.q(d);
                            exact[bih + j] += q;
                            exact[bhh + j] += q;
                        } else {
                            for (int k = 0; k < features; k++) {
                                g[wih + j * features + k] += d * x[xt + k];
                            }
                            for (int k = 0; k < hidden; k++) {
                                g[whh + j * hidden + k] += d * states[prev + k];
                            }
                            g[bih + j] += d;
                            g[bhh + j] += d;
                        }
                    }
                    if (dx != null) {
                        Blas.gemm(false, false, 1, features, hidden, 1f, grad, 0, p, wih, 0f, dx, xt);
                    }
                    Blas.gemm(false, false, 1, hidden, hidden, 1f, grad, 0, p, whh, 0f, back, 0);
                }
            }
        }
    }
}
