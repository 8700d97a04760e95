package org.descent.optim;

/**
 * A {@link GradientTransform} that transforms every entry on its own (see
 * {@link GradientTransform#elementwise}): it implements the ranged update, and its update of the whole
 * vector is the ranged one over {@code [0, n)}.
 */
public interface ElementwiseTransform extends GradientTransform {
    @Override
    default void update(float[] u, OptState state, float[] params, long step) {
        update(u, state, params, step, 0, u.length);
    }

    @Override
    default boolean elementwise() {
        return true;
    }

    @Override
    void update(float[] u, OptState state, float[] params, long step, int from, int to);
}
