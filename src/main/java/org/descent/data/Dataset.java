package org.descent.data;

import org.descent.tensor.Shape;

/**
 * Examples held in memory as contiguous float32 blocks: {@code features} is {@code n × shape.size()}
 * and {@code labels} is {@code n × labelWidth}, both row-major.
 */
public record Dataset(Shape shape, float[] features, int labelWidth, float[] labels, int size) {
    public Dataset {
        if ((long) size * shape.size() != features.length) {
            throw new IllegalArgumentException("features hold " + features.length + " floats, " + size + " examples of " + shape + " need " + (long) size * shape.size());
        }
        if ((long) size * labelWidth != labels.length) {
            throw new IllegalArgumentException("labels hold " + labels.length + " floats, " + size + " examples need " + (long) size * labelWidth);
        }
    }

    public int featureSize() {
        return shape.size();
    }

    /** Examples {@code [from, to)} as a new dataset (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size + " examples");
        }
        int d = shape.size();
        float[] f = new float[(to - from) * d];
        System.arraycopy(features, from * d, f, 0, f.length);
        float[] l = new float[(to - from) * labelWidth];
        System.arraycopy(labels, from * labelWidth, l, 0, l.length);
        return new Dataset(shape, f, labelWidth, l, to - from);
    }

    /** Copies the examples {@code index[from, from+n)} into {@code x} and {@code y} (batch assembly). */
    public void gather(int[] index, int from, int n, float[] x, float[] y) {
        int d = shape.size();
        for (int i = 0; i < n; i++) {
            int e = index[from + i];
            System.arraycopy(features, e * d, x, i * d, d);
            System.arraycopy(labels, e * labelWidth, y, i * labelWidth, labelWidth);
        }
    }
}
