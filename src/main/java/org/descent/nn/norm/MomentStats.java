package org.descent.nn.norm;

/**
 * Statistics of a set of values as {@code (count, mean, M2)} triples, {@code M2 = Σ(x − mean)²},
 * and their exact merge (Chan, Golub &amp; LeVeque 1979):
 * <pre>
 *   n = n_a + n_b,  δ = mean_b − mean_a,
 *   mean = mean_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n
 * </pre>
 * Merging partitions this way gives the statistics of the concatenated data, whatever the sizes; a
 * mean of per-partition means does not when sizes differ.
 */
public final class MomentStats {
    private MomentStats() {
    }

    /** Merges {@code channels} triples of {@code other} (from {@code otherOff}) into {@code acc} (from {@code accOff}). */
    public static void merge(double[] acc, int accOff, double[] other, int otherOff, int channels) {
        for (int c = 0; c < channels; c++) {
            int a = accOff + 3 * c;
            int b = otherOff + 3 * c;
            double na = acc[a];
            double nb = other[b];
            double n = na + nb;
            if (nb == 0) {
                continue;
            }
            if (na == 0) {
                acc[a] = nb;
                acc[a + 1] = other[b + 1];
                acc[a + 2] = other[b + 2];
                continue;
            }
            double delta = other[b + 1] - acc[a + 1];
            acc[a + 1] += delta * nb / n;
            acc[a + 2] += other[b + 2] + delta * delta * na * nb / n;
            acc[a] = n;
        }
    }

    /** Merges every triple of {@code other} into {@code acc} (same layout). */
    public static void mergeAll(double[] acc, double[] other) {
        if (acc.length != other.length || acc.length % 3 != 0) {
            throw new IllegalArgumentException("statistics of different layouts: " + acc.length + " and " + other.length);
        }
        merge(acc, 0, other, 0, acc.length / 3);
    }

    /** The biased variance {@code M2/n} of channel {@code c}. */
    public static double variance(double[] stats, int offset, int c) {
        double n = stats[offset + 3 * c];
        return n > 0 ? stats[offset + 3 * c + 2] / n : 0;
    }

    /** The unbiased variance {@code M2/(n − 1)} of channel {@code c} (the biased one when n ≤ 1). */
    public static double unbiasedVariance(double[] stats, int offset, int c) {
        double n = stats[offset + 3 * c];
        return n > 1 ? stats[offset + 3 * c + 2] / (n - 1) : variance(stats, offset, c);
    }
}
