package org.descent.nn;

/**
 * Parameters that are still arriving while forward starts: the first layers' parameters come first
 * (they are laid out in layer order), so layer {@code i} can run as soon as entries
 * {@code [0, end of layer i)} are in place, while the later layers' are still on the wire.
 */
@FunctionalInterface
public interface ParamsArriving {
    /** Returns once {@code ctx.params[0, end)} have arrived; fails when they never will (the line broke). */
    void awaitThrough(int end);
}
