package org.descent.nn.norm;

import org.descent.init.Initializers;
import org.descent.nn.ParamSpec;

/** The learnable scale γ (initialized to 1) and shift β (to 0) of a normalization layer; neither is weight-decayed. */
final class Affine {
    private Affine() {
    }

    static ParamSpec scale(int size) {
        return new ParamSpec("weight", size, 1, 1, Initializers.constant(1), false);
    }

    static ParamSpec shift(int size) {
        return new ParamSpec("bias", size, 1, 1, Initializers.zeros(), false);
    }
}
