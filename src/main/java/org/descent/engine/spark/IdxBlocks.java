package org.descent.engine.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.DataFormatException;
import org.descent.data.Dataset;
import org.descent.data.IdxReader;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;

/**
 * Blocks of an MNIST-family IDX split read on the executors from any Hadoop FileSystem path: each
 * partition reads the files and keeps its contiguous part, so the driver ships only the path and
 * a lost block is rebuilt by reading again (Spark's lineage, no local checkpoint).
 */
public final class IdxBlocks {
    private IdxBlocks() {
    }

    /** The {@code split} ("train" or "t10k") of the IDX files in {@code dir}, in {@code partitions} contiguous parts. */
    public static JavaRDD<Block> read(JavaSparkContext sc, String dir, String split, int partitions) {
        return read(sc, dir, split, partitions, 0, false);
    }

    /**
     * Like {@link #read(JavaSparkContext, String, String, int)}, with the last {@code holdout}
     * examples held out: {@code heldOut = false} gives the others, {@code true} only those.
     */
    public static JavaRDD<Block> read(JavaSparkContext sc, String dir, String split, int partitions, int holdout, boolean heldOut) {
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        return sc.parallelize(parts, partitions).mapPartitionsWithIndex((p, it) -> {
            Dataset file = load(dir, split, new Configuration());
            if (holdout >= file.size()) {
                throw new IllegalArgumentException("data.validationSize " + holdout + " leaves no training data of " + file.size() + " examples in " + dir);
            }
            Dataset all = heldOut ? file.slice(file.size() - holdout, file.size()) : file.slice(0, file.size() - holdout);
            Dataset part = all.slice(Blocks.partStart(all.size(), partitions, p), Blocks.partStart(all.size(), partitions, p + 1));
            return List.of(new Block(part.features(), part.labels(), part.size(), part.featureSize(), part.labelWidth())).iterator();
        }, true);
    }

    /** Reads a split through Hadoop's FileSystem (gzipped files first). */
    public static Dataset load(String dir, String split, Configuration hadoop) throws IOException {
        String[] names = Mnist.candidates(split);
        Path images = pick(dir, names[0], names[1], hadoop);
        Path labels = pick(dir, names[2], names[3], hadoop);
        FileSystem fs = images.getFileSystem(hadoop);
        try (InputStream i = fs.open(images); InputStream l = fs.open(labels)) {
            return Mnist.fromIdx(IdxReader.read(i, images.toString()), images.toString(), IdxReader.read(l, labels.toString()), labels.toString());
        }
    }

    private static Path pick(String dir, String gz, String plain, Configuration hadoop) throws IOException {
        Path base = new Path(dir);
        FileSystem fs = base.getFileSystem(hadoop);
        for (String n : new String[] {gz, plain}) {
            Path p = new Path(base, n);
            if (fs.exists(p)) {
                return p;
            }
        }
        throw new DataFormatException(dir + ": neither " + gz + " nor " + plain + " exists");
    }

    /** Fits a standardizer over all blocks (per-feature sums combined on the driver in partition order). */
    public static Standardizer fitStandardizer(JavaRDD<Block> blocks) {
        List<double[][]> sums = blocks.map(b -> {
            double[] sum = new double[b.featureSize()];
            double[] sumSq = new double[b.featureSize()];
            Standardizer.accumulate(b.features(), b.size(), b.featureSize(), sum, sumSq);
            return new double[][] {sum, sumSq, {b.size()}};
        }).collect();
        double[] sum = new double[sums.get(0)[0].length];
        double[] sumSq = new double[sum.length];
        long n = 0;
        for (double[][] s : sums) {
            for (int j = 0; j < sum.length; j++) {
                sum[j] += s[0][j];
                sumSq[j] += s[1][j];
            }
            n += (long) s[2][0];
        }
        return Standardizer.fromSums(n, sum, sumSq);
    }

    /**
     * Fits min-max scaling to {@code [lo, hi]} over all blocks (per-feature minima and maxima
     * combined on the driver).
     */
    public static Standardizer fitMinMax(JavaRDD<Block> blocks, float lo, float hi) {
        List<float[][]> ranges = blocks.map(b -> {
            float[] min = new float[b.featureSize()];
            float[] max = new float[b.featureSize()];
            java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            Standardizer.accumulateRange(b.features(), b.size(), b.featureSize(), min, max);
            return new float[][] {min, max};
        }).collect();
        float[] min = ranges.get(0)[0].clone();
        float[] max = ranges.get(0)[1].clone();
        for (float[][] r : ranges) {
            for (int j = 0; j < min.length; j++) {
                min[j] = Math.min(min[j], r[0][j]);
                max[j] = Math.max(max[j], r[1][j]);
            }
        }
        return Standardizer.minMax(min, max, lo, hi);
    }

    /** The blocks with standardized features (new arrays; the input blocks are unchanged). */
    public static JavaRDD<Block> standardize(JavaRDD<Block> blocks, Standardizer standardizer) {
        return blocks.map(b -> {
            float[] f = b.features().clone();
            standardizer.applyInPlace(f, b.size(), b.featureSize());
            return new Block(f, b.labels(), b.size(), b.featureSize(), b.labelWidth());
        });
    }

    /**
     * The blocks with each example's features as its target vector (an autoencoder's data). Unclamped,
     * the label array is the feature array itself, so the cache holds the pixels once; clamped, the
     * targets are a copy limited to [0, 1], as binary cross-entropy needs.
     */
    public static JavaRDD<Block> inputsAsTargets(JavaRDD<Block> blocks, boolean clamp) {
        return blocks.map(b -> {
            float[] t = b.features();
            if (clamp) {
                t = t.clone();
                for (int i = 0; i < t.length; i++) {
                    t[i] = Math.min(1f, Math.max(0f, t[i]));
                }
            }
            return new Block(b.features(), t, b.size(), b.featureSize(), b.featureSize());
        });
    }
}
