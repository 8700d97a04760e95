package org.descent.nn.recurrent;

import java.util.List;
import org.descent.init.Initializer;
import org.descent.init.RecurrentInit;
import org.descent.init.TensorShape;
import org.descent.nn.Layer;
import org.descent.nn.MultiplyAdds;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * What the recurrent layers share: an input {@code [T, F]}, {@code G} gates of {@code H} units, and PyTorch's
 * parameters {@code weight_ih [G·H, F]}, {@code weight_hh [G·H, H]}, {@code bias_ih [G·H]}, {@code bias_hh [G·H]}
 * (gates stacked in PyTorch's order), all U(±1/√H) by default as PyTorch. The output is every step's state
 * {@code [T, H]}, or with {@code last} the final state {@code [H]}.
 *
 * <p>{@link RecurrentInit} replaces the input-to-hidden initializer for the whole {@code weight_ih}, and the
 * hidden-to-hidden one for each gate's {@code [H, H]} block of {@code weight_hh} separately (so an echo-state
 * spectral radius holds per gate).
 */
public abstract class RecurrentLayer implements Layer {
    private static final long serialVersionUID = 1L;
    private final int hidden;
    private final boolean lastOnly;
    private final RecurrentInit init;

    protected RecurrentLayer(String type, int hidden, boolean lastOnly, RecurrentInit init) {
        if (hidden <= 0) {
            throw new IllegalArgumentException(type + " needs a positive number of hidden units, got " + hidden);
        }
        this.hidden = hidden;
        this.lastOnly = lastOnly;
        this.init = init == null ? RecurrentInit.DEFAULT : init;
    }

    /** The number of gates G stacked in the weight matrices (1 for the Elman layer, 4 for LSTM, 3 for GRU). */
    public abstract int gates();

    /** A copy of this layer that starts from other weights. */
    public abstract RecurrentLayer withInit(RecurrentInit other);

    public int hidden() {
        return hidden;
    }

    /** Whether only the last step's state is returned. */
    public boolean lastOnly() {
        return lastOnly;
    }

    public RecurrentInit init() {
        return init;
    }

    /** @throws IllegalArgumentException unless {@code in} is a sequence {@code [T, F]} */
    protected final void checkSequence(Shape in) {
        if (in.rank() != 2) {
            throw new IllegalArgumentException(type() + " needs a sequence input [T, F] (set model.inputShape = [T, F]), got " + in);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        checkSequence(in);
        return lastOnly ? Shape.of(hidden) : Shape.of(in.dim(0), hidden);
    }

    /**
     * Per step, the input projection ({@code F · GH}) and the recurrent product ({@code H · GH}); backward, the two
     * weight gradients and the gradient through the hidden state ({@code H · GH} each, the input side {@code F · GH}),
     * and the input gradient ({@code F · GH}).
     */
    @Override
    public MultiplyAdds multiplyAdds(Shape in) {
        long steps = in.dim(0);
        long inputSide = (long) in.dim(1) * gates() * hidden;
        long hiddenSide = (long) hidden * gates() * hidden;
        return new MultiplyAdds(steps * (inputSide + hiddenSide), steps * (inputSide + 2 * hiddenSide), steps * inputSide);
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        checkSequence(in);
        int f = in.dim(1);
        int width = gates() * hidden;
        Initializer uniform = new HiddenUniform(hidden);
        Initializer input = init.input() != null ? init.input() : uniform;
        Initializer recurrent = init.recurrent() != null ? new PerGate(init.recurrent(), hidden) : uniform;
        Initializer bias = init.bias() != null ? init.bias() : uniform;
        return List.of(new ParamSpec("weight_ih", width * f, f, width, input, true),
                new ParamSpec("weight_hh", width * hidden, hidden, width, recurrent, true),
                new ParamSpec("bias_ih", width, f, width, bias, false),
                new ParamSpec("bias_hh", width, hidden, width, bias, false));
    }

    @Override
    public String toString() {
        return type() + "(" + hidden + (lastOnly ? ", last" : "") + ")";
    }

    /** PyTorch's initialization of every recurrent parameter: U(−1/√H, 1/√H) for H hidden units. */
    record HiddenUniform(int hidden) implements Initializer {
        @Override
        public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
            double bound = 1.0 / Math.sqrt(hidden);
            for (int i = 0; i < shape.length(); i++) {
                w[offset + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
        }
    }

    /** A hidden-to-hidden initializer applied to each gate's square {@code [H, H]} block in turn. */
    record PerGate(Initializer square, int hidden) implements Initializer {
        @Override
        public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
            int block = hidden * hidden;
            for (int at = 0; at < shape.length(); at += block) {
                square.fill(w, offset + at, new TensorShape(block, hidden, hidden), rng);
            }
        }
    }
}
