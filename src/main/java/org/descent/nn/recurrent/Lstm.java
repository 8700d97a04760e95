package org.descent.nn.recurrent;

import org.descent.init.RecurrentInit;
import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.tensor.FloatMath;
import org.descent.tensor.Shape;

/**
 * The long short-term memory layer {@code lstm(H)} (Hochreiter &amp; Schmidhuber 1997 with a forget gate, Gers et al.
 * 2000; PyTorch's {@code nn.LSTM}, one layer, batch first, no peepholes). With {@code h_0 = c_0 = 0} and
 * {@code a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh} split into four blocks of H in PyTorch's order (i, f, g, o):
 * <pre>
 *   i = σ(a_i),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g
 *   h_t = o ⊙ tanh(c_t)</pre>
 * returning every {@code h_t} ({@code [T, H]}) or, as {@code lstm(H, last)}, {@code h_T}. Parameters
 * {@code W_ih [4H, F]}, {@code W_hh [4H, H]}, {@code b_ih [4H]}, {@code b_hh [4H]}, U(±1/√H) by default.
 *
 * <p>Backward, with {@code g_t = ∂L/∂h_t} and the cell gradient {@code ∂c} carried from step t+1:
 * {@code ∂o = g ⊙ tanh(c_t)}, {@code ∂c = ∂c_{t+1} ⊙ f_{t+1} + g ⊙ o ⊙ (1 − tanh²c_t)}, {@code ∂i = ∂c ⊙ g},
 * {@code ∂g = ∂c ⊙ i}, {@code ∂f = ∂c ⊙ c_{t−1}}; the pre-activation gradients are these times σ' or tanh'.
 */
public final class Lstm extends RecurrentLayer {
    private static final long serialVersionUID = 1L;

    public Lstm(int hidden, boolean lastOnly) {
        this(hidden, lastOnly, RecurrentInit.DEFAULT);
    }

    public Lstm(int hidden, boolean lastOnly, RecurrentInit init) {
        super("lstm", hidden, lastOnly, init);
    }

    @Override
    public Lstm withInit(RecurrentInit other) {
        return new Lstm(hidden(), lastOnly(), other);
    }

    @Override
    public int gates() {
        return 4;
    }

    @Override
    public String type() {
        return "lstm";
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new LstmKernel(in.dim(0), in.dim(1), hidden(), lastOnly(), slot);
    }

    /** Cache per step: i, f, g, o, c_t and tanh(c_t), H each. */
    private static final class LstmKernel extends RecurrentKernel {
        /** ∂L/∂c_t of every example, carried from step t+1 to step t. */
        private float[] cellGrad = new float[0];

        LstmKernel(int steps, int features, int hidden, boolean lastOnly, LayerSlot slot) {
            super(steps, features, hidden, 4, 6 * hidden, lastOnly, slot);
        }

        @Override
        protected void cell(float[] p, int e, int t, float[] pre, int po, float[] rec, int ro) {
            int c = cached(e, t);
            int previous = t > 1 ? cached(e, t - 1) + 4 * hidden : -1;
            int h = state(e, t);
            int hh = hidden;
            // The gates' pre-activations into the step's cache, then σ and tanh over them in place (i, f, g, o).
            for (int k = VECTOR_LANES ? GateLanes.preActivations(cache, c, pre, po, p, bih, rec, ro, bhh, 4 * hh) : 0; k < 4 * hh; k++) {
                cache[c + k] = pre[po + k] + p[bih + k] + rec[ro + k] + p[bhh + k];
            }
            FloatMath.sigmoid(cache, c, 2 * hh);
            FloatMath.tanh(cache, c + 2 * hh, hh);
            FloatMath.sigmoid(cache, c + 3 * hh, hh);
            for (int j = VECTOR_LANES ? GateLanes.cellState(cache, c, previous, hh) : 0; j < hh; j++) {
                float cPrev = previous >= 0 ? cache[previous + j] : 0f;
                float ct = cache[c + hh + j] * cPrev + cache[c + j] * cache[c + 2 * hh + j];
                cache[c + 4 * hh + j] = ct;
                cache[c + 5 * hh + j] = ct;
            }
            FloatMath.tanh(cache, c + 5 * hh, hh);
            for (int j = VECTOR_LANES ? GateLanes.hiddenState(cache, c, states, h, hh) : 0; j < hh; j++) {
                states[h + j] = cache[c + 3 * hh + j] * cache[c + 5 * hh + j];
            }
        }

        @Override
        protected void beginBackward(int n) {
            if (cellGrad.length < n * hidden) {
                cellGrad = new float[n * hidden];
            }
            java.util.Arrays.fill(cellGrad, 0, n * hidden, 0f);
        }

        @Override
        protected void cellBackward(float[] p, int e, int t, float[] gh, float[] dx, float[] dh, int o, float[] toPrevious, int tp) {
            int c = cached(e, t);
            int previous = t > 1 ? cached(e, t - 1) + 4 * hidden : -1;
            int hh = hidden;
            int start = VECTOR_LANES ? GateLanes.cellBackward(cache, c, previous, hh, cellGrad, e * hh, gh, dx, o, toPrevious, tp) : 0;
            for (int j = start; j < hh; j++) {
                float i = cache[c + j];
                float f = cache[c + hh + j];
                float g = cache[c + 2 * hh + j];
                float out = cache[c + 3 * hh + j];
                float tc = cache[c + 5 * hh + j];
                float cPrev = previous >= 0 ? cache[previous + j] : 0f;
                float dc = cellGrad[e * hh + j] + gh[j] * out * (1 - tc * tc);
                float dOut = gh[j] * tc;
                dx[o + j] = dc * g * i * (1 - i);
                dx[o + hh + j] = dc * cPrev * f * (1 - f);
                dx[o + 2 * hh + j] = dc * i * (1 - g * g);
                dx[o + 3 * hh + j] = dOut * out * (1 - out);
                cellGrad[e * hh + j] = dc * f;
                toPrevious[tp + j] = 0f;
            }
        }
    }
}
