package org.descent.nn.recurrent;

import org.descent.init.RecurrentInit;
import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.tensor.FloatMath;
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
 * {@code δ_t = g_t ⊙ (1 − h_t²)}, {@code ∂L/∂W_ih = Σ_t δ_t x_tᵀ}, {@code ∂L/∂W_hh = Σ_t δ_t h_{t−1}ᵀ},
 * {@code ∂L/∂b_ih = ∂L/∂b_hh = Σ_t δ_t}, {@code ∂L/∂x_t = W_ihᵀ δ_t}, and {@code W_hhᵀ δ_t} is added to
 * {@code g_{t−1}} ({@link RecurrentKernel}).
 */
public final class SimpleRnn extends RecurrentLayer {
    private static final long serialVersionUID = 2L;

    public SimpleRnn(int hidden, boolean lastOnly) {
        this(hidden, lastOnly, RecurrentInit.DEFAULT);
    }

    /** {@code init}: how the input-to-hidden and hidden-to-hidden weights start (null parts: PyTorch's U(±1/√H)). */
    public SimpleRnn(int hidden, boolean lastOnly, RecurrentInit init) {
        super("rnn", hidden, lastOnly, init);
    }

    @Override
    public SimpleRnn withInit(RecurrentInit other) {
        return new SimpleRnn(hidden(), lastOnly(), other);
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public String type() {
        return "rnn";
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new RecurrentKernel(in.dim(0), in.dim(1), hidden(), 1, 0, lastOnly(), slot) {
            @Override
            protected void cell(float[] p, int e, int t, float[] pre, int po, float[] rec, int ro) {
                int h = state(e, t);
                for (int j = 0; j < hidden; j++) {
                    states[h + j] = pre[po + j] + p[bih + j] + rec[ro + j] + p[bhh + j];
                }
                FloatMath.tanh(states, h, hidden);
            }

            @Override
            protected void cellBackward(float[] p, int e, int t, float[] g, float[] dx, float[] dh, int o, float[] toPrevious, int tp) {
                int h = state(e, t);
                for (int j = 0; j < hidden; j++) {
                    float hj = states[h + j];
                    dx[o + j] = g[j] * (1 - hj * hj);
                    toPrevious[tp + j] = 0f;
                }
            }
        };
    }
}
