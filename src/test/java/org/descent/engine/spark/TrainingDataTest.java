package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.descent.data.DataFormatException;
import org.descent.data.DataSpec;
import org.descent.data.LabelRule;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV, LIBSVM, Parquet and synthetic readers on real Spark (local[2]): the same rows in the
 * same order whatever the format and the number of input files, contiguous partitions, hold-out,
 * and bad rows named by file and line (or skipped and counted).
 */
@org.junit.jupiter.api.Tag("spark")
class TrainingDataTest {
    private static final int ROWS = 103;
    private static final int FEATURES = 5;
    private static JavaSparkContext sc;
    @TempDir
    static Path dir;
    static float[][] rows;

    @BeforeAll
    static void start() throws IOException {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("TrainingDataTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        Rng rng = new Rng(7);
        rows = new float[ROWS][FEATURES + 1];
        for (float[] r : rows) {
            for (int j = 0; j < FEATURES; j++) {
                r[j] = (float) Math.round(rng.nextGaussian() * 1000) / 1000f;
            }
            r[FEATURES] = rng.nextInt(3);
        }
        // CSV: label in the middle column, in two files (the reader keeps file order).
        Files.createDirectories(dir.resolve("csv"));
        Files.write(dir.resolve("csv/part-0.csv"), csv(0, 60));
        Files.write(dir.resolve("csv/part-1.csv"), csv(60, ROWS));
        Files.writeString(dir.resolve("csv/_SUCCESS"), "");
        List<String> libsvm = new ArrayList<>();
        for (float[] r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d", (int) r[FEATURES]));
            for (int j = 0; j < FEATURES; j++) {
                if (r[j] != 0) {
                    line.append(' ').append(j + 1).append(':').append(r[j]);
                }
            }
            libsvm.add(line.toString());
        }
        Files.write(dir.resolve("data.libsvm"), libsvm);
        List<Row> frameRows = new ArrayList<>();
        for (float[] r : rows) {
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = r[j];
            }
            frameRows.add(RowFactory.create(Vectors.dense(x), (double) r[FEATURES]));
        }
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        spark.createDataFrame(frameRows, new StructType().add("x", new VectorUDT()).add("y", DataTypes.DoubleType))
                .repartition(3).sortWithinPartitions("y").write().parquet(dir.resolve("parquet").toString());
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static List<String> csv(int from, int to) {
        List<String> lines = new ArrayList<>(List.of("a,b,label,c,d,e"));
        for (int i = from; i < to; i++) {
            float[] r = rows[i];
            lines.add(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s", r[0], r[1], (int) r[FEATURES], r[2], r[3], r[4]));
            if (i == from + 3) {
                lines.add("");   // blank lines are ignored
            }
        }
        return lines;
    }

    private static DataSpec spec(String format, String train, String test, boolean skip) {
        return new DataSpec(format, "", train, test, true, "label", ',', 0, "x", "y", skip, null);
    }

    private static List<Block> collect(JavaRDD<Block> blocks) {
        return blocks.collect();
    }

    /** Rows [from, to) as they must come out: features then label, in input order. */
    private static void assertRows(List<Block> blocks, int from, int to, int partitions) {
        assertEquals(partitions, blocks.size());
        int i = from;
        for (int p = 0; p < partitions; p++) {
            Block b = blocks.get(p);
            int n = to - from;
            assertEquals(Blocks.partStart(n, partitions, p + 1) - Blocks.partStart(n, partitions, p), b.size(), "contiguous, near-equal part " + p);
            for (int k = 0; k < b.size(); k++, i++) {
                float[] x = new float[FEATURES];
                System.arraycopy(b.features(), k * FEATURES, x, 0, FEATURES);
                assertArrayEquals(java.util.Arrays.copyOf(rows[i], FEATURES), x, "row " + i);
                assertEquals(rows[i][FEATURES], b.labels()[k], "label of row " + i);
            }
        }
        assertEquals(to, i);
    }

    @Test
    void csvWithANamedLabelColumnAcrossFilesAndAHoldout() throws IOException {
        TrainingData data = TrainingData.open(sc, spec("csv", dir.resolve("csv").toString(), dir.resolve("csv/part-1.csv").toString(), false));
        assertEquals(org.descent.tensor.Shape.of(FEATURES), data.shape());
        TrainingData.Splits s = data.read(3, 10, LabelRule.forLoss("softmax_cross_entropy", 3), 1);
        assertRows(collect(s.train()), 0, ROWS - 10, 3);
        assertRows(collect(s.validation()), ROWS - 10, ROWS, 3);
        assertRows(collect(s.test()), 60, ROWS, 3);
        assertEquals(0, s.badRows());
    }

    @Test
    void libsvmInfersTheFeatureCountAndMatchesCsv() throws IOException {
        String path = dir.resolve("data.libsvm").toString();
        TrainingData data = TrainingData.open(sc, spec("libsvm", path, path, false));
        assertTrue(data.shape().size() <= FEATURES && data.shape().size() >= FEATURES - 1, "largest index " + data.shape());
        DataSpec fixed = new DataSpec("libsvm", "", path, path, true, "label", ',', FEATURES, "x", "y", false, null);
        TrainingData.Splits s = TrainingData.open(sc, fixed).read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1);
        assertRows(collect(s.train()), 0, ROWS, 2);
        assertNull(s.validation());
    }

    @Test
    void parquetKeepsTheOrderOfItsFilesAndRows() throws IOException {
        String path = dir.resolve("parquet").toString();
        TrainingData data = TrainingData.open(sc, spec("parquet", path, path, false));
        assertEquals(FEATURES, data.shape().size());
        TrainingData.Splits s = data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1);
        List<Block> a = collect(s.train());
        List<Block> b = collect(TrainingData.open(sc, spec("parquet", path, path, false)).read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1).train());
        long total = 0;
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(a.get(p).features(), b.get(p).features(), "the same layout on every read");
            total += a.get(p).size();
        }
        assertEquals(ROWS, total);
    }

    @Test
    void aBadRowNamesFileAndLineOrIsSkippedAndCounted() throws IOException {
        Path bad = dir.resolve("bad.csv");
        List<String> lines = csv(0, 20);
        lines.set(5, "0.1,0.2,1,oops,0.4,0.5");
        lines.set(9, "0.1,0.2,7,0.3,0.4,0.5");
        lines.set(12, "0.1,0.2,1,0.3,0.4");
        Files.write(bad, lines);
        TrainingData data = TrainingData.open(sc, spec("csv", bad.toString(), bad.toString(), false));
        Exception e = assertThrows(Exception.class, () -> data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1));
        DataFormatException cause = find(e);
        assertEquals(bad.toUri().toString().replace("file:///", "file:/") + ":6: column 4 is 'oops', not a number", cause.getMessage());

        TrainingData skipping = TrainingData.open(sc, spec("csv", bad.toString(), bad.toString(), true));
        TrainingData.Splits s = skipping.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1);
        assertEquals(6, s.badRows(), "three bad rows in each of train and test");
        assertEquals(18, collect(s.train()).stream().mapToInt(Block::size).sum());
        assertTrue(s.firstBadRows().get(0).endsWith("bad.csv:10: label 7.0 is not a class index in [0, 3) (the model has 3 outputs)")
                || s.firstBadRows().stream().anyMatch(m -> m.endsWith(":10: label 7.0 is not a class index in [0, 3) (the model has 3 outputs)")),
                s.firstBadRows().toString());
        assertTrue(s.firstBadRows().stream().anyMatch(m -> m.endsWith(":13: 5 columns, expected 6")), s.firstBadRows().toString());
    }

    private static DataFormatException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataFormatException d) {
                return d;
            }
        }
        throw new AssertionError("no DataFormatException in " + e, e);
    }

    @Test
    void aLabelTheModelCannotTakeIsRefusedForIdxToo() {
        DataSpec idx = DataSpec.idx(Path.of("data/fashion-mnist").toAbsolutePath().toString());
        Exception e = assertThrows(Exception.class, () -> TrainingData.open(sc, idx).read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 5), 1));
        assertTrue(find(e).getMessage().matches(".*\\(train\\): example \\d+: label [5-9]\\.0 is not a class index in \\[0, 5\\) \\(the model has 5 outputs\\)"),
                find(e).getMessage());
    }

    @Test
    void syntheticRowsDependOnSeedAndStreamOnly() throws IOException {
        DataSpec.Synthetic teacher = new DataSpec.Synthetic("teacher", 500, 100, 8, 4, 1.0, 16);
        DataSpec spec = new DataSpec("synthetic", "", "", "", true, "label", ',', 0, "x", "y", false, teacher);
        TrainingData.Splits a = TrainingData.open(sc, spec).read(2, 50, LabelRule.forLoss("softmax_cross_entropy", 4), 3);
        TrainingData.Splits b = TrainingData.open(sc, spec).read(2, 50, LabelRule.forLoss("softmax_cross_entropy", 4), 3);
        List<Block> ta = collect(a.train());
        assertArrayEquals(ta.get(1).features(), collect(b.train()).get(1).features());
        assertEquals(450, ta.get(0).size() + ta.get(1).size());
        assertNotEquals(ta.get(0).features()[0], collect(a.test()).get(0).features()[0], "test rows are a stream of their own");
        int[] counts = new int[4];
        for (Block blk : ta) {
            for (int i = 0; i < blk.size(); i++) {
                counts[(int) blk.labels()[i]]++;
            }
        }
        for (int c : counts) {
            assertTrue(c > 20, "every class of the teacher occurs: " + java.util.Arrays.toString(counts));
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingData.open(sc, spec).read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 3));
    }

    @Test
    void everyCsvFileMustCarryTheSameHeaderAndParquetErrorsNameFileAndRow() throws IOException {
        Path mixed = dir.resolve("mixed");
        Files.createDirectories(mixed);
        Files.write(mixed.resolve("a.csv"), csv(0, 10));
        List<String> swapped = csv(10, 20);
        swapped.set(0, "label,a,b,c,d,e");
        Files.write(mixed.resolve("b.csv"), swapped);
        Files.writeString(mixed.resolve("0-empty.csv"), "");
        TrainingData data = TrainingData.open(sc, spec("csv", mixed.toString(), mixed.resolve("a.csv").toString(), false));
        DataFormatException e = assertThrows(DataFormatException.class, () -> data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1));
        assertTrue(e.getMessage().endsWith("b.csv:1: header 'label,a,b,c,d,e' differs from the training data's 'a,b,label,c,d,e'"), e.getMessage());

        List<Row> frameRows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            frameRows.add(RowFactory.create(Vectors.dense(1, i == 4 ? Double.NaN : 2, 3, 4, 5), 1.0));
        }
        Path nan = dir.resolve("nan-parquet");
        SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(frameRows, new StructType().add("x", new VectorUDT()).add("y", DataTypes.DoubleType))
                .coalesce(1).write().parquet(nan.toString());
        Exception p = assertThrows(Exception.class, () -> TrainingData.open(sc, spec("parquet", nan.toString(), nan.toString(), false))
                .read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 3), 1));
        assertTrue(find(p).getMessage().matches(".*part-[^ ]*\\.parquet: row 4: feature 1 is NaN \\(features must be finite\\)"), find(p).getMessage());
    }

    @Test
    void missingPathsAndColumnsAreOneLine() {
        String missing = assertThrows(DataFormatException.class,
                () -> TrainingData.open(sc, spec("csv", dir.resolve("nothing.csv").toString(), "", false))).getMessage();
        assertTrue(missing.startsWith("file:") && missing.endsWith(dir.resolve("nothing.csv") + ": no such file or directory"), missing);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.open(sc, new DataSpec("csv", "", dir.resolve("csv").toString(), "", true, "target", ',', 0, "x", "y", false, null)));
        assertTrue(e.getMessage().startsWith("data.csv.label: ") && e.getMessage().endsWith("no column named 'target' (columns: a, b, label, c, d, e)"), e.getMessage());
    }
}
