package org.descent.nn;

import java.io.Serializable;

/**
 * The multiply-adds of a layer's matrix products for one example, in the three passes of a training step; a FLOP
 * count is twice these (one multiply and one add). Element-wise work (activations, normalization, pooling, the
 * optimizer) is not counted, as in the usual FLOP counts of networks (and of the SGEMM rate they are compared with).
 *
 * @param forward the forward pass: for a dense layer {@code rows · in · out}, for a convolution
 *                {@code C_out · (C_in · k_h · k_w) · (H_out · W_out)}
 * @param backward the backward products a trained layer always does: the parameter gradients (as many as the forward
 *                 product for dense and convolution), and for a recurrent layer also the gradient flowing back through
 *                 the hidden state
 * @param inputGradient the product giving the gradient with respect to the layer's input, which the first trained
 *                      layer skips
 */
public record MultiplyAdds(long forward, long backward, long inputGradient) implements Serializable {
    /** A layer without matrix products. */
    public static final MultiplyAdds NONE = new MultiplyAdds(0, 0, 0);

    /** A layer whose three passes are one product of {@code count} multiply-adds each (dense, convolution). */
    public static MultiplyAdds product(long count) {
        return new MultiplyAdds(count, count, count);
    }
}
