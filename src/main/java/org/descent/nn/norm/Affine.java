package org.descent.nn.norm;

import org.descent.nn.ParamSpec;

/** The learnable scale γ (initialized to 1) and shift β (to 0) of a normalization layer. */
final class Affine {
    private Affine() {
    }

    static ParamSpec scale(int size) {
        return new ParamSpec("weight", size, 1, 1, (w, off, spec, rng) -> java.util.Arrays.fill(w, off, off + spec.length(), 1f), false);
    }

    static ParamSpec shift(int size) {
        return new ParamSpec("bias", size, 1, 1, (w, off, spec, rng) -> java.util.Arrays.fill(w, off, off + spec.length(), 0f), false);
    }
}
