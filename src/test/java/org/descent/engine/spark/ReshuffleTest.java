package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Dataset;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full reshuffles across partitions on real Spark (local[2]). */
@org.junit.jupiter.api.Tag("spark")
class ReshuffleTest {
    private static JavaSparkContext sc;
    private static Dataset data;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("ReshuffleTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        int n = 301;
        float[] x = new float[n * 3];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = i;
            x[3 * i + 1] = -i;
            x[3 * i + 2] = i * 0.5f;
            y[i] = i % 7;
        }
        data = new Dataset(Shape.of(3), x, 1, y, n);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** Each example's id (its first feature), partition by partition, in order; checks that rows stayed whole. */
    private static List<List<Integer>> ids(JavaRDD<Block> blocks) {
        List<List<Integer>> out = new ArrayList<>();
        for (Block b : blocks.collect()) {
            List<Integer> part = new ArrayList<>();
            for (int i = 0; i < b.size(); i++) {
                int id = (int) b.features()[3 * i];
                assertEquals(-id, b.features()[3 * i + 1], 0f);
                assertEquals(id * 0.5f, b.features()[3 * i + 2], 0f);
                assertEquals(id % 7, b.labels()[i], 0f);
                part.add(id);
            }
            out.add(part);
        }
        return out;
    }

    @Test
    void roundZeroIsTheOriginalLayout() {
        JavaRDD<Block> original = Blocks.fromDataset(sc, data, 3);
        assertSame(original, Reshuffle.layout(original, 9, 0));
    }

    @Test
    void everyExampleMovesWholeAndExactlyOnce() {
        JavaRDD<Block> original = Blocks.fromDataset(sc, data, 3);
        List<List<Integer>> shuffled = ids(Reshuffle.layout(original, 9, 1));
        assertEquals(3, shuffled.size());
        List<Integer> all = new ArrayList<>();
        shuffled.forEach(all::addAll);
        all.sort(null);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            expected.add(i);
        }
        assertEquals(expected, all);
        assertFalse(shuffled.equals(ids(original)), "the layout changed");
        for (List<Integer> part : shuffled) {
            assertFalse(part.isEmpty(), "301 examples over 3 partitions leave none empty");
        }
    }

    @Test
    void aLayoutDependsOnlyOnSeedAndRound() {
        JavaRDD<Block> original = Blocks.fromDataset(sc, data, 3);
        List<List<Integer>> first = ids(Reshuffle.layout(original, 9, 2));
        assertEquals(first, ids(Reshuffle.layout(Blocks.fromDataset(sc, data, 3), 9, 2)));
        assertFalse(first.equals(ids(Reshuffle.layout(original, 9, 3))));
        assertFalse(first.equals(ids(Reshuffle.layout(original, 10, 2))));
        Block a = Reshuffle.layout(original, 9, 2).collect().get(1);
        Block b = Reshuffle.layout(original, 9, 2).collect().get(1);
        assertArrayEquals(a.features(), b.features());
    }
}
