package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.descent.tensor.Rng;
import scala.Tuple2;

/**
 * A full reshuffle of the training examples across partitions. Round r of the layout sends
 * example i of original partition p to partition {@code key mod P} and orders each new partition
 * by key, where {@code key = derive(seed, r, p, i)}; round 0 is the original layout. A layout
 * depends only on (seed, round) and the original blocks, never on the previous round, so a run
 * resumed in any epoch rebuilds exactly the layout an uninterrupted run had, and the order inside
 * a partition does not depend on the order in which shuffle blocks arrive.
 */
public final class Reshuffle {
    private Reshuffle() {
    }

    /** The layout of round {@code round} ({@code original} itself for round 0), with as many partitions as the original. */
    public static JavaRDD<Block> layout(JavaRDD<Block> original, long seed, int round) {
        if (round == 0) {
            return original;
        }
        int partitions = original.getNumPartitions();
        int[] widths = original.map(b -> new int[] {b.size() > 0 ? b.featureSize() : -1, b.size() > 0 ? b.labelWidth() : -1})
                .reduce((a, b) -> a[0] >= 0 ? a : b);
        int featureSize = widths[0];
        int labelWidth = widths[1];
        JavaPairRDD<Long, float[]> rows = original.mapPartitionsWithIndex((p, blocks) -> {
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            while (blocks.hasNext()) {
                Block b = blocks.next();
                for (int i = 0; i < b.size(); i++) {
                    float[] row = new float[featureSize + labelWidth];
                    System.arraycopy(b.features(), i * featureSize, row, 0, featureSize);
                    System.arraycopy(b.labels(), i * labelWidth, row, featureSize, labelWidth);
                    out.add(new Tuple2<>(Rng.derive(seed, 3, round, p, i), row));
                }
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
        return rows.repartitionAndSortWithinPartitions(new KeyModulo(partitions))
                .mapPartitions(it -> List.of(toBlock(it, featureSize, labelWidth)).iterator(), true);
    }

    private static Block toBlock(Iterator<Tuple2<Long, float[]>> rows, int featureSize, int labelWidth) {
        List<float[]> all = new ArrayList<>();
        while (rows.hasNext()) {
            all.add(rows.next()._2());
        }
        int n = all.size();
        float[] x = new float[n * Math.max(featureSize, 0)];
        float[] y = new float[n * Math.max(labelWidth, 0)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all.get(i), 0, x, i * featureSize, featureSize);
            System.arraycopy(all.get(i), featureSize, y, i * labelWidth, labelWidth);
        }
        return new Block(x, y, n, Math.max(featureSize, 0), Math.max(labelWidth, 0));
    }

    /** Sends a long key to partition {@code key mod P}. */
    static final class KeyModulo extends Partitioner {
        private final int partitions;

        KeyModulo(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) partitions);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof KeyModulo k && k.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
