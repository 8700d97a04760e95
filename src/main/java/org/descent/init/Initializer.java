package org.descent.init;

import java.io.Serializable;
import org.descent.tensor.Rng;

/**
 * Fills one parameter tensor of the given {@link TensorShape} (units of incoming weights, fan-in and
 * fan-out). It knows shapes only, not the network's parameter specs, which hold an initializer each.
 */
@FunctionalInterface
public interface Initializer extends Serializable {
    void fill(float[] w, int offset, TensorShape shape, Rng rng);
}
