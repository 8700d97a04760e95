package org.descent.data;

import java.io.Serializable;

/**
 * Input normalization as the optimization deck lists it, a per-feature affine map {@code x' = (x − c_j)·s_j}
 * fitted on training data only and applied unchanged to validation and test data (and saved with
 * a model):
 * <ul>
 *   <li>standardization ({@link #fit}, {@link #fromSums}): {@code c_j = μ_j}, {@code s_j = 1/σ_j},
 *       so every input has mean 0 and variance 1 on the training set; a feature that is constant
 *       in the training set (σ_j = 0, e.g. an always-black pixel) is only centred;</li>
 *   <li>min-max scaling ({@link #minMax}) to {@code [lo, hi]} ([0, 1] or [−1, 1]):
 *       {@code x' = lo + (x − min_j)(hi − lo)/(max_j − min_j)}; a constant feature maps to the
 *       middle of the range.</li>
 * </ul>
 */
public final class Standardizer implements Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] mean;
    private final float[] scale;

    private Standardizer(float[] mean, float[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** Means and standard deviations of every feature of {@code data}, accumulated in double. */
    public static Standardizer fit(Dataset data) {
        int d = data.featureSize();
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        accumulate(data.features(), data.size(), d, sum, sumSq);
        return fromSums(data.size(), sum, sumSq);
    }

    /** Adds the per-feature sums and sums of squares of {@code n} rows of {@code d} features (for fitting over partitions). */
    public static void accumulate(float[] features, int n, int d, double[] sum, double[] sumSq) {
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < d; j++) {
                double v = features[e * d + j];
                sum[j] += v;
                sumSq[j] += v * v;
            }
        }
    }

    /** The standardizer of {@code count} rows with the given per-feature sums and sums of squares. */
    public static Standardizer fromSums(long count, double[] sum, double[] sumSq) {
        int d = sum.length;
        float[] mean = new float[d];
        float[] scale = new float[d];
        long n = Math.max(1, count);
        for (int j = 0; j < d; j++) {
            double m = sum[j] / n;
            double var = Math.max(0, sumSq[j] / n - m * m);
            mean[j] = (float) m;
            scale[j] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 1f;
        }
        return new Standardizer(mean, scale);
    }

    /** Scales each feature from its training range {@code [min_j, max_j]} to {@code [lo, hi]}. */
    public static Standardizer minMax(float[] min, float[] max, float lo, float hi) {
        if (min.length != max.length || !(hi > lo)) {
            throw new IllegalArgumentException("min-max scaling needs as many minima as maxima and lo < hi");
        }
        int d = min.length;
        float[] shift = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double range = (double) max[j] - min[j];
            if (range > 0) {
                double s = (hi - lo) / range;
                scale[j] = (float) s;
                shift[j] = (float) (min[j] - lo / s);
            } else {
                scale[j] = 1f;
                shift[j] = (float) (min[j] - (lo + hi) / 2.0);
            }
        }
        return new Standardizer(shift, scale);
    }

    /** Per-feature minimum and maximum of {@code n} rows folded into {@code min}, {@code max} (start them at ±∞). */
    public static void accumulateRange(float[] features, int n, int d, float[] min, float[] max) {
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < d; j++) {
                float v = features[e * d + j];
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
    }

    /** Normalizes the features of {@code data} in place. */
    public void applyInPlace(Dataset data) {
        applyInPlace(data.features(), data.size(), data.featureSize());
    }

    /** Standardizes {@code n} rows of {@code d} features in place. */
    public void applyInPlace(float[] f, int n, int featureSize) {
        int d = mean.length;
        if (featureSize != d) {
            throw new IllegalArgumentException("standardizer fitted on " + d + " features, data has " + featureSize);
        }
        for (int e = 0; e < n; e++) {
            int o = e * d;
            for (int j = 0; j < d; j++) {
                f[o + j] = (f[o + j] - mean[j]) * scale[j];
            }
        }
    }

    public float mean(int feature) {
        return mean[feature];
    }

    /** The shifts c_j of {@code x' = (x − c_j)·s_j}, a copy. */
    public float[] shifts() {
        return mean.clone();
    }

    /** The scales s_j of {@code x' = (x − c_j)·s_j}, a copy. */
    public float[] scales() {
        return scale.clone();
    }

    /** The standard deviation of a feature (1 for a constant one). */
    public float std(int feature) {
        return 1f / scale[feature];
    }
}
