package org.descent.nn;

import java.io.Serializable;
import org.descent.init.Initializer;

/**
 * One named parameter tensor of a layer, stored as {@code length / fanIn} rows ("units") of
 * {@code fanIn} incoming weights each (PyTorch's {@code [out, in]} and {@code [outC, inC·kh·kw]}
 * layouts). {@code decayed} is false for biases and normalization scales and shifts, which weight
 * decay and layer-wise trust ratios conventionally leave out.
 */
public record ParamSpec(String name, int length, int fanIn, int fanOut, Initializer init, boolean decayed)
        implements Serializable {
    public ParamSpec {
        if (length <= 0 || fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("parameter " + name + ": length, fanIn and fanOut must be positive");
        }
    }

    /** Number of units (rows of incoming weights). */
    public int rows() {
        return Math.max(1, length / fanIn);
    }

    /** The tensor's shape, as its initializer sees it. */
    public org.descent.init.TensorShape shape() {
        return new org.descent.init.TensorShape(length, fanIn, fanOut);
    }

    public ParamSpec withInit(Initializer newInit) {
        return new ParamSpec(name, length, fanIn, fanOut, newInit, decayed);
    }
}
