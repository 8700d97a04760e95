package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.collection.Seq;

/** Turns input data into one cached {@link Block} per partition. */
public final class Blocks {
    private Blocks() {
    }

    /** The first example of part p when n examples are cut into P contiguous parts as evenly as possible. */
    public static int partStart(int n, int parts, int p) {
        return (int) ((long) n * p / parts);
    }

    /**
     * Contiguous, near-equal parts of an in-memory dataset (the same split {@code LocalTrainer} is
     * given in tests). The blocks are local-checkpointed: without that, every task of every step
     * would carry its partition's data inside the task (a parallelized collection lives in the
     * RDD's lineage), whatever the cache holds. The price is that a lost executor's blocks cannot be
     * recomputed; data read from files on the executors has no such limit.
     */
    public static JavaRDD<Block> fromDataset(JavaSparkContext sc, org.descent.data.Dataset data, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive, got " + partitions);
        }
        int[] sizes = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            sizes[p] = partStart(data.size(), partitions, p + 1) - partStart(data.size(), partitions, p);
        }
        return fromDataset(sc, data, sizes);
    }

    /** Consecutive parts of an in-memory dataset with the given sizes (uneven and empty parts allowed), local-checkpointed as above. */
    public static JavaRDD<Block> fromDataset(JavaSparkContext sc, org.descent.data.Dataset data, int[] sizes) {
        List<Block> blocks = new ArrayList<>();
        int from = 0;
        for (int n : sizes) {
            if (n < 0 || from + n > data.size()) {
                throw new IllegalArgumentException("partition sizes " + java.util.Arrays.toString(sizes) + " do not fit " + data.size() + " examples");
            }
            org.descent.data.Dataset part = data.slice(from, from + n);
            blocks.add(new Block(part.features(), part.labels(), part.size(), part.featureSize(), part.labelWidth()));
            from += n;
        }
        JavaRDD<Block> rdd = sc.parallelize(blocks, sizes.length);
        rdd.rdd().localCheckpoint();
        return rdd;
    }

    /**
     * One block per partition of a DataFrame with a feature column (an ML {@code Vector} or an
     * array of numbers) and a numeric label column. A row of the wrong width is an error naming the
     * partition and row.
     */
    public static JavaRDD<Block> fromDataFrame(Dataset<Row> frame, String featuresCol, String labelCol) {
        int fIndex = frame.schema().fieldIndex(featuresCol);
        int lIndex = frame.schema().fieldIndex(labelCol);
        return frame.javaRDD().mapPartitionsWithIndex((p, rows) -> List.of(toBlock(p, rows, fIndex, lIndex)).iterator(), true);
    }

    /**
     * One block per partition of an RDD of ML {@code LabeledPoint}s (dense or sparse vectors). A
     * point of the wrong width is an error naming the partition and row.
     */
    public static JavaRDD<Block> fromLabeledPoints(JavaRDD<org.apache.spark.ml.feature.LabeledPoint> points) {
        return points.mapPartitionsWithIndex((p, it) -> {
            BlockBuilder block = new BlockBuilder(p);
            while (it.hasNext()) {
                org.apache.spark.ml.feature.LabeledPoint point = it.next();
                block.add(point.features(), point.label());
            }
            return List.of(block.build()).iterator();
        }, true);
    }

    private static Block toBlock(int partition, Iterator<Row> rows, int fIndex, int lIndex) {
        BlockBuilder block = new BlockBuilder(partition);
        while (rows.hasNext()) {
            Row row = rows.next();
            block.add(row.get(fIndex), ((Number) row.get(lIndex)).doubleValue());
        }
        return block.build();
    }

    /** Rows appended one by one (an ML vector or a sequence of numbers, and a label) into one block. */
    private static final class BlockBuilder {
        private final int partition;
        private final FloatBuffer features = new FloatBuffer();
        private final FloatBuffer labels = new FloatBuffer();
        private int width = -1;
        private int n;

        BlockBuilder(int partition) {
            this.partition = partition;
        }

        void add(Object f, double label) {
            int before = features.size();
            if (f instanceof Vector v) {
                for (int i = 0; i < v.size(); i++) {
                    features.add((float) v.apply(i));
                }
            } else if (f instanceof Seq<?> seq) {
                scala.collection.Iterator<?> it = seq.iterator();
                while (it.hasNext()) {
                    features.add(((Number) it.next()).floatValue());
                }
            } else {
                throw new IllegalArgumentException("partition " + partition + " row " + n + ": feature column holds "
                        + (f == null ? "null" : f.getClass().getSimpleName()) + ", not a vector or array");
            }
            int w = features.size() - before;
            if (width >= 0 && w != width) {
                throw new IllegalArgumentException("partition " + partition + " row " + n + ": " + w + " features, earlier rows have " + width);
            }
            width = w;
            labels.add((float) label);
            n++;
        }

        Block build() {
            return new Block(features.toArray(), labels.toArray(), n, Math.max(width, 0), 1);
        }
    }

    /**
     * Fails with the first example (in partition order) whose label breaks {@code rule}, naming
     * {@code what} and the example's index in the data; one pass over the blocks.
     */
    public static void checkLabels(JavaRDD<Block> blocks, org.descent.data.LabelRule rule, String what) throws org.descent.data.DataFormatException {
        List<String> problems = blocks.mapPartitionsWithIndex((p, it) -> {
            List<String> out = new ArrayList<>();
            long offset = 0;
            while (it.hasNext()) {
                Block b = it.next();
                for (int i = 0; i < b.size(); i++) {
                    String problem = rule.problem(b.labels()[i * b.labelWidth()]);
                    if (problem != null) {
                        out.add(p + "\t" + (offset + i) + "\t" + problem);
                        return out.iterator();
                    }
                }
                offset += b.size();
            }
            out.add(p + "\t" + offset + "\t");
            return out.iterator();
        }, true).collect();
        long before = 0;
        for (String line : problems) {
            String[] f = line.split("\t", 3);
            if (!f[2].isEmpty()) {
                throw new org.descent.data.DataFormatException(what + ": example " + (before + Long.parseLong(f[1])) + ": " + f[2]);
            }
            before += Long.parseLong(f[1]);
        }
    }

    /** Caches the blocks at {@code level} and materializes them; returns the rows per partition, in order. */
    public static long[] cache(JavaRDD<Block> blocks, StorageLevel level) {
        return cache(blocks, level, null);
    }

    /**
     * {@link #cache(JavaRDD, StorageLevel)}, each task first starting {@code warmUp} (or none) in its executor's JVM, so
     * that the kernels compile while the executor reads and decodes its blocks.
     */
    public static long[] cache(JavaRDD<Block> blocks, StorageLevel level, org.descent.nn.KernelWarmUp warmUp) {
        if (blocks.getStorageLevel().equals(StorageLevel.NONE())) {
            blocks.persist(level);
        }
        List<long[]> sizes = blocks.mapPartitionsWithIndex((p, it) -> {
            if (warmUp != null) {
                warmUp.start();
            }
            long n = 0;
            while (it.hasNext()) {
                n += it.next().size();
            }
            return List.of(new long[] {p, n}).iterator();
        }, true).collect();
        long[] out = new long[sizes.size()];
        for (long[] s : sizes) {
            out[(int) s[0]] = s[1];
        }
        return out;
    }

    /** What a cached block RDD occupies, from Spark's storage information, beside its raw float32 size. */
    /**
     * What Spark holds of cached blocks: bytes in memory and on disk (the cached bytes are their sum), their raw float32
     * bytes, and how many of the partitions are held at all (the others are recomputed from the source when read).
     */
    public record StorageReport(long cachedBytes, long diskBytes, long rawBytes, long examples, String level, int partitions, int cachedPartitions) {
        public double ratio() {
            return rawBytes == 0 ? 0 : (double) cachedBytes / rawBytes;
        }
    }

    /** Memory plus disk bytes Spark reports for the cached {@code blocks}, and their raw float32 bytes. */
    public static StorageReport storageReport(JavaSparkContext sc, JavaRDD<Block> blocks) {
        Held held = held(sc, blocks);
        long[] raw = blocks.map(b -> new long[] {b.bytes(), b.size()}).reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        return new StorageReport(held.memoryBytes() + held.diskBytes(), held.diskBytes(), raw[0], raw[1], blocks.getStorageLevel().description(),
                blocks.getNumPartitions(), held.partitions());
    }

    /** What the block managers hold of an RDD: partitions (in memory or on disk), bytes in memory, bytes on disk. */
    record Held(int partitions, long memoryBytes, long diskBytes) {
    }

    /** Asks the driver's block manager master (no job) what the executors hold of {@code blocks}. */
    static Held held(JavaSparkContext sc, JavaRDD<Block> blocks) {
        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == blocks.id()) {
                return new Held(info.numCachedPartitions(), info.memSize(), info.diskSize());
            }
        }
        return new Held(0, 0, 0);
    }

    /** A growable float array for building blocks. */
    private static final class FloatBuffer {
        private float[] data = new float[1024];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
