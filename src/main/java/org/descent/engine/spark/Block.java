package org.descent.engine.spark;

import java.io.Serializable;

/**
 * One partition's examples as contiguous float32 arrays: {@code features} is {@code n × featureSize},
 * {@code labels} is {@code n × labelWidth}, row-major. A partition holds exactly one block, built
 * once and cached, so a step reads memory and never re-parses rows.
 */
public record Block(float[] features, float[] labels, int size, int featureSize, int labelWidth) implements Serializable {
    public Block {
        if ((long) size * featureSize != features.length || (long) size * labelWidth != labels.length) {
            throw new IllegalArgumentException("block of " + size + " examples has " + features.length + " feature and " + labels.length + " label floats");
        }
    }

    /** Raw float32 bytes held (features and labels). */
    public long bytes() {
        return 4L * (features.length + labels.length);
    }

    /** Copies examples {@code order[from, from+n)} into {@code x} and {@code y}. */
    public void gather(int[] order, int from, int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            int e = order[from + i];
            System.arraycopy(features, e * featureSize, x, i * featureSize, featureSize);
            System.arraycopy(labels, e * labelWidth, y, i * labelWidth, labelWidth);
        }
    }
}
