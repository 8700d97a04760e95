package org.descent.tensor;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of one example (the batch dimension is never part of it): {@code [features]} for dense
 * activations, {@code [channels, height, width]} for feature maps (NCHW without the N).
 */
public final class Shape implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] dims;

    private Shape(int[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
            }
        }
        this.dims = dims.clone();
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of floats in one example. */
    public int size() {
        int s = 1;
        for (int d : dims) {
            s = Math.multiplyExact(s, d);
        }
        return s;
    }

    /** Channels of a feature map {@code [C,H,W]}, or features of a vector {@code [F]}. */
    public int channels() {
        return dims[0];
    }

    /** Elements per channel: H·W for a feature map, 1 for a vector. */
    public int spatial() {
        return size() / dims[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
