package org.descent.engine.spark;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.descent.data.CsvParser;
import org.descent.data.DataFormatException;
import org.descent.data.DataSpec;
import org.descent.data.LabelRule;
import org.descent.data.LibsvmParser;
import org.descent.data.RowParser;
import org.descent.tensor.Shape;

/**
 * A run's training, validation and test blocks from any of the formats of {@link DataSpec}. It
 * works in two steps so the model can be checked against the data before anything is read in
 * bulk: {@link #open} finds the shape of one example (reading a header or one row on the driver;
 * LIBSVM without a feature count takes one pass), then {@link #read} parses on the executors with
 * the label rule of the model's loss.
 */
public final class TrainingData {
    private final JavaSparkContext sc;
    private final DataSpec spec;
    private final Shape shape;
    private final RowParser parser;
    /** image: the class names in label order (null for the other formats). */
    private final List<String> classes;

    /** The blocks of a run: validation is null without a hold-out; bad rows are those skipped. */
    public record Splits(JavaRDD<Block> train, JavaRDD<Block> validation, JavaRDD<Block> test, long badRows, List<String> firstBadRows) {
    }

    private TrainingData(JavaSparkContext sc, DataSpec spec, Shape shape, RowParser parser) {
        this(sc, spec, shape, parser, null);
    }

    private TrainingData(JavaSparkContext sc, DataSpec spec, Shape shape, RowParser parser, List<String> classes) {
        this.sc = sc;
        this.spec = spec;
        this.shape = shape;
        this.parser = parser;
        this.classes = classes;
    }

    /** image: the class names, in label order (the training folders' names, sorted); null for the other formats. */
    public List<String> classes() {
        return classes;
    }

    /** The same data read with another list of classes (a model's, to evaluate it on image folders). */
    public TrainingData withClasses(List<String> names) {
        return new TrainingData(sc, spec, shape, parser, List.copyOf(names));
    }

    /** The shape of one example: [channels, rows, cols] for IDX images, [features] otherwise. */
    public Shape shape() {
        return shape;
    }

    public static TrainingData open(JavaSparkContext sc, DataSpec spec) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        switch (spec.format()) {
            case "idx" -> {
                String dir = org.descent.io.DriverPaths.qualify(spec.dir());
                org.descent.data.Dataset test = IdxBlocks.load(dir, "t10k", hadoop);   // fail fast, on the driver, on missing or corrupt files
                return new TrainingData(sc, spec, test.shape(), null);
            }
            case "csv" -> {
                CsvParser parser = csvParser(spec, hadoop);
                return new TrainingData(sc, spec, Shape.of(parser.features()), parser);
            }
            case "libsvm" -> {
                int features = spec.libsvmFeatures();
                if (features == 0) {
                    features = TextRows.libsvmFeatures(sc, TextRows.files(org.descent.io.DriverPaths.qualify(required(spec.train(), "data.train")), hadoop),
                            spec.skipBadRows());
                    if (features == 0) {
                        throw new DataFormatException(spec.train() + ": no feature index in any row");
                    }
                }
                return new TrainingData(sc, spec, Shape.of(features), new LibsvmParser(features));
            }
            case "parquet" -> {
                int width = ParquetRows.firstWidth(frame(sc, required(spec.train(), "data.train")), spec.featuresColumn(), spec.labelColumn(), spec.train());
                return new TrainingData(sc, spec, Shape.of(width), null);
            }
            case "synthetic" -> {
                return new TrainingData(sc, spec, spec.synthetic().shape(), null);
            }
            case "image" -> {
                String train = org.descent.io.DriverPaths.qualify(required(spec.train(), "data.train"));
                List<String> classes = ImageFolders.classes(train, hadoop);
                return new TrainingData(sc, spec, ImageFolders.shape(train, classes, spec.image(), hadoop), null, classes);
            }
            default -> throw new IllegalArgumentException("data.format = '" + spec.format() + "' is not one of " + DataSpec.FORMATS);
        }
    }

    /**
     * The shape of one example when it is known without Spark — from model.inputShape's caller,
     * synthetic settings, the IDX test images' header or the first CSV line, read on the driver —
     * so the model can be checked before Spark starts; null for Parquet and LIBSVM without a
     * feature count.
     */
    public static Shape shapeWithoutSpark(DataSpec spec, Configuration hadoop) throws IOException {
        return switch (spec.format()) {
            case "idx" -> IdxBlocks.load(org.descent.io.DriverPaths.qualify(spec.dir()), "t10k", hadoop).shape();
            case "csv" -> Shape.of(csvParser(spec, hadoop).features());
            case "libsvm" -> spec.libsvmFeatures() > 0 ? Shape.of(spec.libsvmFeatures()) : null;
            case "synthetic" -> spec.synthetic().shape();
            default -> null;
        };
    }

    /** The first non-blank line of the first file that has one (the header, or the first row). */
    private static String firstContentLine(List<Path> files, Configuration hadoop, String what) throws IOException {
        for (Path f : files) {
            String line = TextRows.firstLine(f, hadoop);
            if (line != null) {
                return line;
            }
        }
        throw new DataFormatException(what + ": every file is empty");
    }

    /**
     * With headers, every file must carry the same header as the first training file: columns
     * in another order would silently swap the label and the features.
     */
    private static void checkHeaders(List<Path> files, String header, Configuration hadoop) throws IOException {
        for (Path f : files) {
            String line = TextRows.firstLine(f, hadoop);
            if (line != null && !line.equals(header)) {
                throw new DataFormatException(f + ":1: header '" + CsvParser.abbreviate(line) + "' differs from the training data's '"
                        + CsvParser.abbreviate(header) + "'");
            }
        }
    }

    private static CsvParser csvParser(DataSpec spec, Configuration hadoop) throws IOException {
        String trainPath = org.descent.io.DriverPaths.qualify(required(spec.train(), "data.train"));
        String first = firstContentLine(TextRows.files(trainPath, hadoop), hadoop, trainPath);
        List<String> columns = CsvParser.split(first, spec.csvDelimiter());
        int label;
        if (spec.csvHeader()) {
            try {
                label = CsvParser.labelColumn(spec.csvLabel(), columns);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data.csv.label: " + trainPath + ": " + e.getMessage(), e);
            }
        } else if (spec.csvLabel().matches("\\d+") && Integer.parseInt(spec.csvLabel()) < columns.size()) {
            label = Integer.parseInt(spec.csvLabel());
        } else {
            throw new IllegalArgumentException("data.csv.label = '" + spec.csvLabel() + "': without a header (data.csv.header = false) the label is "
                    + "a 0-based column index below " + columns.size());
        }
        return new CsvParser(spec.csvDelimiter(), columns.size(), label);
    }

    /**
     * Reads the three splits in {@code partitions} partitions each; the last {@code holdout}
     * training rows are the validation split.
     */
    public Splits read(int partitions, int holdout, LabelRule rule, long seed) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        switch (spec.format()) {
            case "idx" -> {
                String dir = org.descent.io.DriverPaths.qualify(spec.dir());
                JavaRDD<Block> train = IdxBlocks.read(sc, dir, "train", partitions, holdout, false);
                JavaRDD<Block> validation = holdout > 0 ? IdxBlocks.read(sc, dir, "train", partitions, holdout, true) : null;
                JavaRDD<Block> test = IdxBlocks.read(sc, dir, "t10k", partitions);
                Blocks.checkLabels(train, rule, dir + " (train)");
                Blocks.checkLabels(test, rule, dir + " (t10k)");
                return new Splits(train, validation, test, 0, List.of());
            }
            case "csv", "libsvm" -> {
                String trainPath = org.descent.io.DriverPaths.qualify(spec.train());
                String testPath = org.descent.io.DriverPaths.qualify(required(spec.test(), "data.test"));
                boolean header = spec.format().equals("csv") && spec.csvHeader();
                List<Path> trainFiles = TextRows.files(trainPath, hadoop);
                List<Path> testFiles = TextRows.files(testPath, hadoop);
                if (header) {
                    String line = firstContentLine(trainFiles, hadoop, trainPath);
                    checkHeaders(trainFiles, line, hadoop);
                    checkHeaders(testFiles, line, hadoop);
                }
                RowBlocks.Loaded train = RowBlocks.assemble(sc, TextRows.parse(sc, trainFiles, parser, header, rule),
                        shape.size(), partitions, holdout, spec.skipBadRows(), trainPath);
                RowBlocks.Loaded test = RowBlocks.assemble(sc, TextRows.parse(sc, testFiles, parser, header, rule),
                        shape.size(), partitions, 0, spec.skipBadRows(), testPath);
                return splits(train, test);
            }
            case "parquet" -> {
                String testPath = required(spec.test(), "data.test");
                RowBlocks.Loaded train = RowBlocks.assemble(sc, ParquetRows.parse(ordered(sc, spec.train()), spec.featuresColumn(), spec.labelColumn(),
                        shape.size(), rule, spec.train()), shape.size(), partitions, holdout, spec.skipBadRows(), spec.train());
                RowBlocks.Loaded test = RowBlocks.assemble(sc, ParquetRows.parse(ordered(sc, testPath), spec.featuresColumn(), spec.labelColumn(),
                        shape.size(), rule, testPath), shape.size(), partitions, 0, spec.skipBadRows(), testPath);
                return splits(train, test);
            }
            case "image" -> {
                String trainPath = org.descent.io.DriverPaths.qualify(spec.train());
                String testPath = org.descent.io.DriverPaths.qualify(required(spec.test(), "data.test"));
                List<String> testClasses = ImageFolders.classes(testPath, hadoop);
                if (!classes.containsAll(testClasses)) {
                    List<String> extra = new java.util.ArrayList<>(testClasses);
                    extra.removeAll(classes);
                    throw new IllegalArgumentException(testPath + ": class folders " + extra + " are not among the training classes " + classes);
                }
                if (rule.kind() == LabelRule.Kind.CLASS_INDEX && classes.size() > rule.classes()) {
                    throw new IllegalArgumentException(trainPath + " has " + classes.size() + " class folders but the model has " + rule.classes() + " outputs");
                }
                long t0 = System.nanoTime();
                RowBlocks.Loaded train = assembleImages(trainPath, partitions, holdout, rule, seed);
                RowBlocks.Loaded test = assembleImages(testPath, partitions, 0, rule, seed);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long images = train.rows() + (train.validation() != null ? holdout : 0) + test.rows();
                System.out.printf(java.util.Locale.ROOT, "images: %d classes %s, %d images listed, checked and decoded in %.1f s (%.0f images/s, two passes: "
                        + "count and check, then number and cut)%n", classes.size(), shape, images, seconds, images / seconds);
                return splits(train, test);
            }
            default -> {
                DataSpec.Synthetic s = spec.synthetic();
                if (s.problem() == null && rule.kind() == LabelRule.Kind.CLASS_INDEX && s.classes() > rule.classes()) {
                    throw new IllegalArgumentException("data.synthetic.classes = " + s.classes() + " but the model has " + rule.classes() + " outputs");
                }
                if (holdout >= s.rows()) {
                    throw new IllegalArgumentException("data.validationSize " + holdout + " leaves no training rows of data.synthetic.rows = " + s.rows());
                }
                JavaRDD<Block> train = SyntheticBlocks.generate(sc, s, s.rows() - holdout, partitions, seed, 0);
                JavaRDD<Block> validation = holdout > 0 ? SyntheticBlocks.generate(sc, s, holdout, partitions, seed, 2) : null;
                JavaRDD<Block> test = SyntheticBlocks.generate(sc, s, s.testRows(), partitions, seed, 1);
                return new Splits(train, validation, test, 0, List.of());
            }
        }
    }

    /**
     * One data set on its own, as {@code evaluate} and {@code predict} read it: for IDX the split
     * {@code path} ("train" or "t10k") of {@code dir}, else the files at {@code path}.
     */
    public JavaRDD<Block> readOne(String path, int partitions, LabelRule rule) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        switch (spec.format()) {
            case "idx" -> {
                String dir = org.descent.io.DriverPaths.qualify(spec.dir());
                JavaRDD<Block> blocks = IdxBlocks.read(sc, dir, path, partitions);
                Blocks.checkLabels(blocks, rule, dir + " (" + path + ")");
                return blocks;
            }
            case "csv", "libsvm" -> {
                String resolved = org.descent.io.DriverPaths.qualify(path);
                return RowBlocks.assemble(sc, TextRows.parse(sc, TextRows.files(resolved, hadoop), parser, spec.format().equals("csv") && spec.csvHeader(), rule),
                        shape.size(), partitions, 0, spec.skipBadRows(), resolved).train();
            }
            case "parquet" -> {
                return RowBlocks.assemble(sc, ParquetRows.parse(ordered(sc, path), spec.featuresColumn(), spec.labelColumn(), shape.size(), rule, path),
                        shape.size(), partitions, 0, spec.skipBadRows(), path).train();
            }
            case "image" -> {
                String resolved = org.descent.io.DriverPaths.qualify(path);
                return assembleImages(resolved, partitions, 0, rule, 0).train();
            }
            default -> throw new IllegalArgumentException("data.format = '" + spec.format() + "' cannot be read from a path");
        }
    }

    /** The image folders at {@code path} as blocks; the decoded images are released once the blocks' first pass has read them. */
    private RowBlocks.Loaded assembleImages(String path, int partitions, long holdout, LabelRule rule, long seed) throws DataFormatException {
        ImageFolders.Parsed images = ImageFolders.parse(sc, path, classes, shape, spec.image(), rule, seed);
        try {
            return RowBlocks.assemble(sc, images.rows(), shape.size(), partitions, holdout, spec.skipBadRows(), path);
        } finally {
            images.release();
        }
    }

    private static Splits splits(RowBlocks.Loaded train, RowBlocks.Loaded test) {
        List<String> first = new java.util.ArrayList<>(train.firstBadRows());
        first.addAll(test.firstBadRows());
        return new Splits(train.train(), train.validation(), test.train(), train.badRows() + test.badRows(), first.subList(0, Math.min(3, first.size())));
    }

    private static Dataset<Row> frame(JavaSparkContext sc, String path) {
        return SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read().parquet(org.descent.io.DriverPaths.qualify(path));
    }

    /**
     * The Parquet rows sorted by file and row index within the file (Spark's hidden {@code _metadata}
     * columns), so their order — and so the partition layout — does not depend on how Spark packs
     * files into splits for a given number of cores, and an error can name a row of a file.
     */
    private static Dataset<Row> ordered(JavaSparkContext sc, String path) {
        Dataset<Row> f = frame(sc, path);
        return f.select(functions.col("*"), functions.col("_metadata.file_path").as(ParquetRows.FILE), functions.col("_metadata.row_index").as(ParquetRows.ROW))
                .orderBy(ParquetRows.FILE, ParquetRows.ROW);
    }

    private static String required(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is empty: data.format csv, libsvm, parquet and image read " + key + " (a file, directory or glob)");
        }
        return value;
    }
}
