package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.tensor.Rng;

/**
 * Any number of labelled rows generated on the executors, never on the driver: a mixture of
 * {@code classes} Gaussians in {@code features} dimensions (class c has mean μ_c drawn once from
 * N(0, 1), rows are μ_c + N(0, σ²)), for large-dataset and scaling runs. Row i of partition p
 * depends only on (seed, p, i), so a lost block is regenerated identically.
 */
public final class SyntheticBlocks {
    private SyntheticBlocks() {
    }

    public static JavaRDD<Block> gaussianMixture(JavaSparkContext sc, long rows, int features, int classes, double noise, int partitions, long seed) {
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        return sc.parallelize(parts, partitions).mapPartitionsWithIndex((p, it) -> {
            int n = Math.toIntExact(rows * (p + 1) / partitions - rows * p / partitions);
            float[][] means = new float[classes][features];
            Rng centres = new Rng(Rng.derive(seed, 0));
            for (float[] m : means) {
                for (int j = 0; j < features; j++) {
                    m[j] = (float) centres.nextGaussian();
                }
            }
            float[] x = new float[n * features];
            float[] y = new float[n];
            Rng rng = new Rng(Rng.derive(seed, 1, p));
            for (int i = 0; i < n; i++) {
                int c = rng.nextInt(classes);
                y[i] = c;
                for (int j = 0; j < features; j++) {
                    x[i * features + j] = means[c][j] + (float) (noise * rng.nextGaussian());
                }
            }
            return List.of(new Block(x, y, n, features, 1)).iterator();
        }, true);
    }
}
