package org.descent.init;

/**
 * What an initializer needs to know of a parameter tensor: {@code length} values stored as
 * {@link #rows()} units of {@code fanIn} incoming weights each, and {@code fanOut}, the number of
 * outputs each input feeds (times the kernel area for convolutions), as in Glorot &amp; Bengio.
 */
public record TensorShape(int length, int fanIn, int fanOut) {
    public TensorShape {
        if (length <= 0 || fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("a tensor's length, fanIn and fanOut must be positive, got " + length + ", " + fanIn + ", " + fanOut);
        }
    }

    /** Number of units (rows of incoming weights). */
    public int rows() {
        return Math.max(1, length / fanIn);
    }
}
