package org.descent.nn;

/**
 * Where one layer's data lives in the model's flat arrays: its parameters (and gradients) from
 * {@code paramOffset}, its non-trained buffers from {@code bufferOffset}, its per-step batch
 * statistics from {@code statsOffset}; {@code index} is its position in the model.
 */
public record LayerSlot(int index, int paramOffset, int bufferOffset, int statsOffset) implements java.io.Serializable {
}
