package org.descent.data;

import java.io.Serializable;
import java.util.List;

/**
 * Where a run's data comes from and how to read it (the {@code data} block of a configuration).
 *
 * @param format idx, csv, libsvm, parquet or synthetic
 * @param dir idx: the directory of the four IDX files
 * @param train csv, libsvm, parquet: the training data (a file, a directory or a glob, any Hadoop FS)
 * @param test the test data, in the same format
 * @param csvHeader whether every CSV file starts with a header line
 * @param csvLabel the CSV label column: a header name, or a 0-based index
 * @param csvDelimiter the CSV field separator
 * @param libsvmFeatures the LIBSVM feature count (0: the largest index in the training data)
 * @param featuresColumn parquet: the features column (vector or array)
 * @param labelColumn parquet: the label column
 * @param skipBadRows skip and count rows that do not parse instead of failing on the first
 * @param synthetic synthetic: what to generate
 * @param image image: how images are read
 */
public record DataSpec(String format, String dir, String train, String test, boolean csvHeader, String csvLabel, char csvDelimiter, int libsvmFeatures,
                       String featuresColumn, String labelColumn, boolean skipBadRows, Synthetic synthetic, Image image) implements Serializable {
    public static final List<String> FORMATS = List.of("idx", "csv", "libsvm", "parquet", "image", "synthetic");

    public DataSpec {
        if (image == null) {
            image = Image.AS_STORED;
        }
    }

    /** A spec that reads images as stored (no resizing, their own channels). */
    public DataSpec(String format, String dir, String train, String test, boolean csvHeader, String csvLabel, char csvDelimiter, int libsvmFeatures,
                    String featuresColumn, String labelColumn, boolean skipBadRows, Synthetic synthetic) {
        this(format, dir, train, test, csvHeader, csvLabel, csvDelimiter, libsvmFeatures, featuresColumn, labelColumn, skipBadRows, synthetic, null);
    }

    /**
     * Class-per-folder images ({@code data.image}): every image resized to {@code height × width} (0 × 0: all must have
     * the first image's size) with {@code channels} channels (1 grey, 3 colour, 0: the first image's, grey or colour).
     */
    public record Image(int height, int width, int channels) implements Serializable {
        public static final Image AS_STORED = new Image(0, 0, 0);

        public boolean resizes() {
            return height > 0;
        }
    }

    /**
     * Rows generated on the executors: a Gaussian mixture (class means drawn from N(0, 1), rows at
     * mean + N(0, noise²)) or a teacher network (rows from N(0, 1), labelled with the argmax of a
     * random one-hidden-layer tanh network of {@code hidden} units), or one of the {@link LongRangeProblem}s
     * (addition, multiplication, memorization) with {@code steps}, {@code symbols} and {@code alphabet}.
     */
    public record Synthetic(String kind, long rows, long testRows, int features, int classes, double noise, int hidden,
                            int steps, int symbols, int alphabet) implements Serializable {
        public Synthetic(String kind, long rows, long testRows, int features, int classes, double noise, int hidden) {
            this(kind, rows, testRows, features, classes, noise, hidden, 80, 5, 2);
        }

        /** The long-range problem this kind names, or null for gaussian and teacher. */
        public LongRangeProblem problem() {
            return LongRangeProblem.of(kind, steps, symbols, alphabet);
        }

        /** The shape of one generated example. */
        public org.descent.tensor.Shape shape() {
            LongRangeProblem p = problem();
            return p != null ? p.shape() : org.descent.tensor.Shape.of(features);
        }

        /** Labels per example. */
        public int labelWidth() {
            LongRangeProblem p = problem();
            return p != null ? p.labelWidth() : 1;
        }
    }

    /** Labels per example the data gives: one, or a long-range problem's own. */
    public int labelWidth() {
        return format.equals("synthetic") && synthetic != null ? synthetic.labelWidth() : 1;
    }

    /** The IDX dataset in {@code dir}, with the other options at their defaults. */
    public static DataSpec idx(String dir) {
        return new DataSpec("idx", dir, "", "", true, "label", ',', 0, "features", "label", false, null);
    }
}
