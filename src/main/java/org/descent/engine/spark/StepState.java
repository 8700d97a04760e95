package org.descent.engine.spark;

import java.io.Serializable;

/** What the driver broadcasts for one step: the parameters and the non-trained buffers. */
public record StepState(float[] params, float[] buffers) implements Serializable {
}
