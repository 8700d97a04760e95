package org.descent.report;

/** Preparing per-step series for plotting: a trailing moving average, and bucket means to bound the number of points drawn. */
final class Curves {
    private Curves() {
    }

    /**
     * The trailing mean over the last {@code window} finite values (fewer at the start); a
     * non-finite value is kept as it is and left out of later means.
     */
    static double[] movingAverage(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i])) {
                sum += y[i];
                count++;
            }
            int drop = i - window;
            if (drop >= 0 && Double.isFinite(y[drop])) {
                sum -= y[drop];
                count--;
            }
            out[i] = Double.isFinite(y[i]) && count > 0 ? sum / count : y[i];
        }
        return out;
    }

    /** A smoothing window for n noisy points: about a twentieth of them, between 1 and 200. */
    static int window(int n) {
        return Math.max(1, Math.min(200, n / 20));
    }

    /**
     * At most {@code max} points: consecutive points are averaged in equal buckets (finite values
     * only; a bucket without any finite y gives NaN, which the chart leaves out). Fewer points are
     * returned as they are.
     *
     * @return {x, y}
     */
    static double[][] downsample(double[] x, double[] y, int max) {
        int n = x.length;
        if (n <= max) {
            return new double[][] {x, y};
        }
        double[] bx = new double[max];
        double[] by = new double[max];
        for (int b = 0; b < max; b++) {
            int from = (int) ((long) b * n / max);
            int to = (int) ((long) (b + 1) * n / max);
            double sx = 0;
            double sy = 0;
            int cy = 0;
            for (int i = from; i < to; i++) {
                sx += x[i];
                if (Double.isFinite(y[i])) {
                    sy += y[i];
                    cy++;
                }
            }
            bx[b] = sx / (to - from);
            by[b] = cy > 0 ? sy / cy : Double.NaN;
        }
        return new double[][] {bx, by};
    }
}
