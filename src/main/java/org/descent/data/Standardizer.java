package org.descent.data;

import java.io.Serializable;

/**
 * Input normalization as the seed lists it: per feature, subtract the training mean and divide by
 * the training standard deviation, {@code x' = (x − μ_j)/σ_j}, so every input has mean 0 and
 * variance 1 on the training set. Fitted on training data only and applied unchanged to validation
 * and test data (and saved with a model). A feature that is constant in the training set
 * (σ_j = 0, e.g. an always-black pixel) is only centred.
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

    /** Standardizes the features of {@code data} in place. */
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

    /** The standard deviation of a feature (1 for a constant one). */
    public float std(int feature) {
        return 1f / scale[feature];
    }
}
