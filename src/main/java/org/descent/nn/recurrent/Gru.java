package org.descent.nn.recurrent;

import org.descent.init.RecurrentInit;
import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.tensor.FloatMath;
import org.descent.tensor.Shape;

/**
 * The gated recurrent unit {@code gru(H)} (Cho et al. 2014, in PyTorch's {@code nn.GRU} form: the reset gate
 * multiplies the recurrent product after it, {@code linear_before_reset}). With {@code h_0 = 0} and blocks of H in
 * PyTorch's order (r, z, n):
 * <pre>
 *   r = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
 *   z = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 *   n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</pre>
 * returning every {@code h_t} ({@code [T, H]}) or, as {@code gru(H, last)}, {@code h_T}. Parameters
 * {@code W_ih [3H, F]}, {@code W_hh [3H, H]}, {@code b_ih [3H]}, {@code b_hh [3H]}, U(±1/√H) by default.
 *
 * <p>Backward, with {@code g = ∂L/∂h_t}: {@code ∂n = g ⊙ (1 − z)}, {@code ∂z = g ⊙ (h_{t−1} − n)},
 * {@code ∂a_n = ∂n ⊙ (1 − n²)}, {@code ∂r = ∂a_n ⊙ (W_hn h_{t−1} + b_hn)}; the input side's pre-activation
 * gradient is (∂a_r, ∂a_z, ∂a_n), the hidden side's (∂a_r, ∂a_z, r ⊙ ∂a_n), and {@code g ⊙ z} goes straight to
 * {@code ∂L/∂h_{t−1}}.
 */
public final class Gru extends RecurrentLayer {
    private static final long serialVersionUID = 1L;

    public Gru(int hidden, boolean lastOnly) {
        this(hidden, lastOnly, RecurrentInit.DEFAULT);
    }

    public Gru(int hidden, boolean lastOnly, RecurrentInit init) {
        super("gru", hidden, lastOnly, init);
    }

    @Override
    public Gru withInit(RecurrentInit other) {
        return new Gru(hidden(), lastOnly(), other);
    }

    @Override
    public int gates() {
        return 3;
    }

    @Override
    public String type() {
        return "gru";
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new GruKernel(in.dim(0), in.dim(1), hidden(), lastOnly(), slot);
    }

    /** Cache per step: r, z, n and W_hn h_{t−1} + b_hn, H each. */
    private static final class GruKernel extends RecurrentKernel {
        GruKernel(int steps, int features, int hidden, boolean lastOnly, LayerSlot slot) {
            super(steps, features, hidden, 3, 4 * hidden, lastOnly, slot);
        }

        @Override
        protected boolean hiddenSideGated() {
            return true;
        }

        @Override
        protected void cell(float[] p, int e, int t, float[] pre, int po, float[] rec, int ro) {
            int c = cached(e, t);
            int h = state(e, t);
            int prev = state(e, t - 1);
            int hh = hidden;
            // r and z: pre-activations into the step's cache, then σ over them in place.
            for (int k = VECTOR_LANES ? GateLanes.preActivations(cache, c, pre, po, p, bih, rec, ro, bhh, 2 * hh) : 0; k < 2 * hh; k++) {
                cache[c + k] = pre[po + k] + p[bih + k] + rec[ro + k] + p[bhh + k];
            }
            FloatMath.sigmoid(cache, c, 2 * hh);
            int from = VECTOR_LANES ? GateLanes.gruCandidate(cache, c, hh, pre, po + 2 * hh, p, bih + 2 * hh, rec, ro + 2 * hh, bhh + 2 * hh) : 0;
            for (int j = from; j < hh; j++) {
                float hn = rec[ro + 2 * hh + j] + p[bhh + 2 * hh + j];
                cache[c + 3 * hh + j] = hn;
                cache[c + 2 * hh + j] = pre[po + 2 * hh + j] + p[bih + 2 * hh + j] + cache[c + j] * hn;
            }
            FloatMath.tanh(cache, c + 2 * hh, hh);
            for (int j = VECTOR_LANES ? GateLanes.gruState(cache, c, hh, states, h, prev) : 0; j < hh; j++) {
                float z = cache[c + hh + j];
                states[h + j] = (1 - z) * cache[c + 2 * hh + j] + z * states[prev + j];
            }
        }

        @Override
        protected void cellBackward(float[] p, int e, int t, float[] g, float[] dx, float[] dh, int o, float[] toPrevious, int tp) {
            int c = cached(e, t);
            int prev = state(e, t - 1);
            int hh = hidden;
            for (int j = VECTOR_LANES ? GateLanes.gruCellBackward(cache, c, hh, states, prev, g, dx, dh, o, toPrevious, tp) : 0; j < hh; j++) {
                float r = cache[c + j];
                float z = cache[c + hh + j];
                float n = cache[c + 2 * hh + j];
                float hn = cache[c + 3 * hh + j];
                float an = g[j] * (1 - z) * (1 - n * n);
                float ar = an * hn * r * (1 - r);
                float az = g[j] * (states[prev + j] - n) * z * (1 - z);
                dx[o + j] = ar;
                dx[o + hh + j] = az;
                dx[o + 2 * hh + j] = an;
                dh[o + j] = ar;
                dh[o + hh + j] = az;
                dh[o + 2 * hh + j] = an * r;
                toPrevious[tp + j] = g[j] * z;
            }
        }
    }
}
