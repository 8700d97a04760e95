package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.DataSpec;
import org.descent.tensor.Rng;

/**
 * Any number of labelled rows generated on the executors, never on the driver, for large-dataset
 * and scaling runs. Two kinds:
 * <ul>
 *   <li>a mixture of {@code classes} Gaussians in {@code features} dimensions: class c has mean
 *       μ_c drawn once from N(0, I), a row of class c (uniform) is μ_c + N(0, σ²I);</li>
 *   <li>a teacher network: rows x ~ N(0, I), label argmax_c (W₂ tanh(W₁x/√d))_c with W₁, W₂ drawn
 *       once from N(0, 1) — a target a student network can learn exactly.</li>
 * </ul>
 * and the long-range problems of {@link org.descent.data.LongRangeProblem} (sequences {@code [T, F]}).
 * The class means or teacher weights depend on the seed only; row i of partition p of stream s
 * (0 training, 1 test, 2 validation) depends only on (seed, s, p, i), so a lost block is
 * regenerated identically and the three streams never share a row.
 */
public final class SyntheticBlocks {
    private SyntheticBlocks() {
    }

    /** The Gaussian mixture's training stream (as the step benchmark uses it). */
    public static JavaRDD<Block> gaussianMixture(JavaSparkContext sc, long rows, int features, int classes, double noise, int partitions, long seed) {
        return generate(sc, new DataSpec.Synthetic("gaussian", rows, 0, features, classes, noise, 0), rows, partitions, seed, 0);
    }

    /** {@code rows} rows of {@code spec}'s kind from stream {@code stream}, in {@code partitions} near-equal blocks. */
    public static JavaRDD<Block> generate(JavaSparkContext sc, DataSpec.Synthetic spec, long rows, int partitions, long seed, int stream) {
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        boolean teacher = spec.kind().equals("teacher");
        org.descent.data.LongRangeProblem problem = spec.problem();
        int features = spec.features();
        int classes = spec.classes();
        return sc.parallelize(parts, partitions).mapPartitionsWithIndex((p, it) -> {
            int n = Math.toIntExact(rows * (p + 1) / partitions - rows * p / partitions);
            Rng rng = new Rng(Rng.derive(seed, 1 + stream, p));
            if (problem != null) {
                int size = problem.shape().size();
                int width = problem.labelWidth();
                float[] x = new float[n * size];
                float[] y = new float[n * width];
                for (int i = 0; i < n; i++) {
                    problem.example(rng, x, i * size, y, i * width);
                }
                return List.of(new Block(x, y, n, size, width)).iterator();
            }
            float[] x = new float[n * features];
            float[] y = new float[n];
            if (teacher) {
                Teacher t = new Teacher(features, spec.hidden(), classes, seed);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < features; j++) {
                        x[i * features + j] = (float) rng.nextGaussian();
                    }
                    y[i] = t.label(x, i * features);
                }
            } else {
                float[][] means = new float[classes][features];
                Rng centres = new Rng(Rng.derive(seed, 0));
                for (float[] m : means) {
                    for (int j = 0; j < features; j++) {
                        m[j] = (float) centres.nextGaussian();
                    }
                }
                for (int i = 0; i < n; i++) {
                    int c = rng.nextInt(classes);
                    y[i] = c;
                    for (int j = 0; j < features; j++) {
                        x[i * features + j] = means[c][j] + (float) (spec.noise() * rng.nextGaussian());
                    }
                }
            }
            return List.of(new Block(x, y, n, features, 1)).iterator();
        }, true);
    }

    /** The random one-hidden-layer tanh network that labels the teacher kind's rows. */
    private static final class Teacher {
        private final float[] w1;
        private final float[] w2;
        private final int features;
        private final int hidden;
        private final int classes;
        private final float[] h;

        Teacher(int features, int hidden, int classes, long seed) {
            this.features = features;
            this.hidden = hidden;
            this.classes = classes;
            Rng rng = new Rng(Rng.derive(seed, 0));
            w1 = new float[hidden * features];
            w2 = new float[classes * hidden];
            double scale = 1 / Math.sqrt(features);
            for (int i = 0; i < w1.length; i++) {
                w1[i] = (float) (rng.nextGaussian() * scale);
            }
            for (int i = 0; i < w2.length; i++) {
                w2[i] = (float) rng.nextGaussian();
            }
            h = new float[hidden];
        }

        int label(float[] x, int offset) {
            for (int k = 0; k < hidden; k++) {
                double s = 0;
                for (int j = 0; j < features; j++) {
                    s += w1[k * features + j] * x[offset + j];
                }
                h[k] = (float) Math.tanh(s);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int k = 0; k < hidden; k++) {
                    s += w2[c * hidden + k] * h[k];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            return best;
        }
    }
}
