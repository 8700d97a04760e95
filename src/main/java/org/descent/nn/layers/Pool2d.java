package org.descent.nn.layers;

import org.descent.nn.Layer;
import org.descent.tensor.Shape;

/** What max and average pooling share: a k×k window moved with stride s over each channel, no padding, no parameters. */
abstract class Pool2d implements Layer {
    private static final long serialVersionUID = 1L;
    protected final int size;
    protected final int stride;

    Pool2d(String type, int size, int stride) {
        if (size <= 0 || stride <= 0) {
            throw new IllegalArgumentException(type + " needs a positive window and stride, got " + size + " and " + stride);
        }
        this.size = size;
        this.stride = stride;
    }

    /** The window's side k. */
    public int size() {
        return size;
    }

    public int stride() {
        return stride;
    }

    protected Geometry geometry(Shape in) {
        return Geometry.of(type(), in, size, size, stride, 0);
    }

    @Override
    public Shape outputShape(Shape in) {
        Geometry g = geometry(in);
        return Shape.of(g.channels(), g.outH(), g.outW());
    }

    @Override
    public String toString() {
        return type() + "(" + size + ", stride " + stride + ")";
    }
}
