package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.DataFormatException;
import scala.Tuple2;

/**
 * Parsed rows, in input order, into one block per partition. Pass one counts the good rows of every
 * input split (and fails on the first bad row in input order, or counts and skips bad rows); pass two numbers the
 * good rows 0..n−1 in input order and sends row g to the partition whose contiguous range holds it,
 * where the rows are sorted by g. The layout therefore depends only on the input and the partition
 * count, never on task timing, and a lost block is rebuilt identically from the lineage.
 */
public final class RowBlocks {
    private RowBlocks() {
    }

    /** Training rows (and the held-out validation rows, when asked) with the bad-row tally. */
    public record Loaded(JavaRDD<Block> train, JavaRDD<Block> validation, long rows, long badRows, List<String> firstBadRows) {
    }

    /**
     * @param holdout the last this many good rows become {@link Loaded#validation()} (0: none)
     * @param skipBad skip and count bad rows instead of failing on the first
     */
    public static Loaded assemble(JavaSparkContext sc, JavaRDD<ParsedRow> parsed, int features, int partitions, long holdout, boolean skipBad,
                                  String what) throws DataFormatException {
        return assemble(sc, parsed, features, partitions, rows -> holdout, skipBad, what);
    }

    /** As above, holding out {@code holdoutOf.applyAsLong(good rows)} rows: e.g. a fraction of them. */
    public static Loaded assemble(JavaSparkContext sc, JavaRDD<ParsedRow> parsed, int features, int partitions, java.util.function.LongUnaryOperator holdoutOf,
                                  boolean skipBad, String what) throws DataFormatException {
        List<Tally> tallies = new ArrayList<>(parsed.mapPartitionsWithIndex((p, it) -> {
            long good = 0;
            long skipped = 0;
            List<String> errors = new ArrayList<>();
            while (it.hasNext()) {
                ParsedRow r = it.next();
                if (!r.isBad()) {
                    good++;
                    continue;
                }
                if (errors.size() < 3) {
                    errors.add(r.error());
                }
                skipped++;
                if (!skipBad) {
                    break;   // the split's first bad row is what the driver reports
                }
            }
            return List.of(new Tally(p, good, skipped, errors)).iterator();
        }, true).collect());
        tallies.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
        long bad = 0;
        List<String> firstBad = new ArrayList<>();
        for (Tally t : tallies) {
            if (!skipBad && !t.errors().isEmpty()) {
                throw new DataFormatException(t.errors().get(0));   // the first bad row in input order
            }
            bad += t.skipped();
            for (String e : t.errors()) {
                if (firstBad.size() < 3) {
                    firstBad.add(e);
                }
            }
        }
        long[] offsets = new long[tallies.size() + 1];
        for (Tally t : tallies) {
            offsets[t.partition() + 1] = t.good();
        }
        for (int i = 0; i < tallies.size(); i++) {
            offsets[i + 1] += offsets[i];
        }
        long rows = offsets[tallies.size()];
        if (rows == 0) {
            throw new DataFormatException(what + ": no rows" + (bad > 0 ? " (all " + bad + " were bad, e.g. " + firstBad.get(0) + ")" : ""));
        }
        long holdout = holdoutOf.applyAsLong(rows);
        if (holdout >= rows) {
            throw new IllegalArgumentException("holding out " + holdout + " validation rows (data.validationSize) leaves no training rows of the " + rows + " in "
                    + what);
        }
        JavaPairRDD<Long, float[]> numbered = parsed.mapPartitionsWithIndex((p, it) -> {
            long next = offsets[p];
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            while (it.hasNext()) {
                ParsedRow r = it.next();
                if (!r.isBad()) {
                    out.add(new Tuple2<>(next++, r.values()));
                }
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
        long trainRows = rows - holdout;
        JavaRDD<Block> train = blocks(numbered.filter(t -> t._1() < trainRows), 0, trainRows, partitions, features);
        JavaRDD<Block> validation = holdout == 0 ? null : blocks(numbered.filter(t -> t._1() >= trainRows), trainRows, holdout, partitions, features);
        return new Loaded(train, validation, trainRows, bad, List.copyOf(firstBad));
    }

    /** Pass one's account of an input split: good rows, bad rows and the first (up to three) bad rows' errors. */
    private record Tally(int partition, long good, long skipped, List<String> errors) implements java.io.Serializable {
    }

    private static JavaRDD<Block> blocks(JavaPairRDD<Long, float[]> rows, long from, long n, int partitions, int features) {
        return rows.partitionBy(new Contiguous(from, n, partitions)).mapPartitions(it -> List.of(block(it, features)).iterator(), true);
    }

    private static Block block(Iterator<Tuple2<Long, float[]>> it, int features) {
        List<Tuple2<Long, float[]>> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        rows.sort((a, b) -> Long.compare(a._1(), b._1()));
        float[] x = new float[rows.size() * features];
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            float[] r = rows.get(i)._2();
            System.arraycopy(r, 0, x, i * features, features);
            y[i] = r[features];
        }
        return new Block(x, y, rows.size(), features, 1);
    }

    /**
     * Rows {@code [from, from + n)} cut into contiguous, near-equal ranges as
     * {@link Blocks#partStart} cuts them: row g goes to ⌊((g − from + 1)·P − 1) / n⌋.
     */
    static final class Contiguous extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final long from;
        private final long n;
        private final int partitions;

        Contiguous(long from, long n, int partitions) {
            this.from = from;
            this.n = n;
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            long g = (Long) key - from;
            return (int) (((g + 1) * partitions - 1) / n);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Contiguous c && c.from == from && c.n == n && c.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new long[] {from, n, partitions});
        }
    }
}
