package org.descent.init;

import java.io.Serializable;
import org.descent.nn.ParamSpec;
import org.descent.tensor.Rng;

/**
 * Fills one parameter tensor. The tensor holds {@link ParamSpec#rows()} units of
 * {@link ParamSpec#fanIn()} incoming weights each; {@link ParamSpec#fanOut()} is the number of
 * outputs each input feeds (times the kernel area for convolutions), as in Glorot &amp; Bengio.
 */
@FunctionalInterface
public interface Initializer extends Serializable {
    void fill(float[] w, int offset, ParamSpec spec, Rng rng);
}
