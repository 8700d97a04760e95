package org.descent.engine.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.descent.data.DataFormatException;
import org.descent.data.DataSpec;
import org.descent.data.ImagePixels;
import org.descent.data.LabelRule;
import org.descent.tensor.Shape;

/**
 * {@code data.format = image}: a directory with one sub-folder per class (torchvision's {@code ImageFolder}
 * convention), read by Spark's image data source ({@code spark.read().format("image")}, which decodes PNG, JPEG, BMP
 * and GIF with ImageIO) from any Hadoop FileSystem. The classes are the sub-folders' names, sorted; an image's label is
 * its folder's index. Images are taken in an order shuffled by the seed from their class folder and file name (a hash,
 * so the same files and seed give the same order wherever the directory is; path order would put whole classes in one
 * partition, skewing each partition's batch-norm statistics), and
 * become {@code [C, H, W]} rows of values in [0, 1] ({@link ImagePixels}). An image that does not decode, has another size
 * than the first (without {@code data.image.resize}) or lies outside a class folder is a bad row naming its file.
 */
public final class ImageFolders {
    private ImageFolders() {
    }

    /**
     * The sorted names of {@code dir}'s sub-folders.
     *
     * @throws IllegalArgumentException one line when {@code dir} is missing, has no sub-folder, or a sub-folder holds no file
     */
    public static List<String> classes(String dir, Configuration hadoop) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(hadoop);
        if (!fs.isDirectory(root)) {
            throw new IllegalArgumentException(dir + ": no such directory (data.format = image reads a directory with one sub-folder per class)");
        }
        List<String> classes = new ArrayList<>();
        for (FileStatus s : fs.listStatus(root)) {
            if (s.isDirectory() && !s.getPath().getName().startsWith(".") && !s.getPath().getName().startsWith("_")) {
                if (Arrays.stream(fs.listStatus(s.getPath())).noneMatch(FileStatus::isFile)) {
                    throw new IllegalArgumentException(s.getPath() + ": an empty class folder (every sub-folder of " + dir + " is a class and needs images)");
                }
                classes.add(s.getPath().getName());
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no class folders (data.format = image needs one sub-folder of images per class)");
        }
        classes.sort(null);
        return classes;
    }

    /** The shape of an example: the resize, or the first image's size; the channels asked for, or the first image's. */
    public static Shape shape(String dir, List<String> classes, DataSpec.Image image, Configuration hadoop) throws IOException {
        Path folder = new Path(dir, classes.get(0));
        FileSystem fs = folder.getFileSystem(hadoop);
        FileStatus[] files = fs.listStatus(folder, p -> !p.getName().startsWith("."));
        Arrays.sort(files);
        for (FileStatus f : files) {
            if (!f.isFile()) {
                continue;
            }
            BufferedImage first;
            try (InputStream in = fs.open(f.getPath())) {
                first = ImageIO.read(in);
            }
            if (first == null) {
                throw new IllegalArgumentException(f.getPath() + ": not a readable image (PNG, JPEG, BMP or GIF)");
            }
            int channels = image.channels() > 0 ? image.channels() : first.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
            return image.resizes() ? Shape.of(channels, image.height(), image.width()) : Shape.of(channels, first.getHeight(), first.getWidth());
        }
        throw new IllegalArgumentException(folder + ": no image files");
    }

    /**
     * The images as an RDD, planned with splits sized by the files' bytes rather than by Spark's 4 MB cost per file
     * (which would put ~30 small images in a task).
     */
    private static JavaRDD<Row> planned(SparkSession spark, Dataset<Row> images) {
        org.apache.spark.sql.RuntimeConfig conf = spark.conf();
        String openCost = conf.get("spark.sql.files.openCostInBytes");
        try {
            conf.set("spark.sql.files.openCostInBytes", "16384");
            return images.javaRDD();
        } finally {
            conf.set("spark.sql.files.openCostInBytes", openCost);
        }
    }

    /**
     * Where an image goes in the order: a 64-bit hash of the seed and its {@code class/file} name (the last two path
     * components, so the order does not depend on where the directory is), then the name.
     */
    static String orderKey(long seed, String origin) {
        int cut = origin.lastIndexOf('/', origin.lastIndexOf('/') - 1);
        String name = origin.substring(cut + 1);
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return String.format(java.util.Locale.ROOT, "%016x/%s", h, name);
    }

    /**
     * Parsed image rows and the decoded images they come from, persisted: call {@link #release} once the rows have been
     * read once (the sort's shuffle output serves later reads).
     */
    public record Parsed(JavaRDD<ParsedRow> rows, JavaRDD<Row> decoded) {
        public void release() {
            decoded.unpersist(false);
        }
    }

    /**
     * The images under {@code dir} as parsed rows (features then label), in the order of the seeded hash of each
     * image's {@code class/file} name (ties: by that name).
     *
     * @param classes the class names, in label order: a folder outside them is a bad row
     */
    public static Parsed parse(JavaSparkContext sc, String dir, List<String> classes, Shape shape, DataSpec.Image image, LabelRule rule,
                                           long seed) {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        Dataset<Row> images = spark.read().format("image").option("dropInvalid", false).option("recursiveFileLookup", true).load(new Path(dir).toString())
                .select(functions.col("image.origin"), functions.col("image.height"), functions.col("image.width"), functions.col("image.nChannels"),
                        functions.col("image.data"));
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            labels.put(classes.get(i), i);
        }
        String root = new Path(dir).toUri().getPath().replaceAll("/+$", "");
        int channels = shape.dim(0);
        int height = shape.dim(1);
        int width = shape.dim(2);
        boolean resize = image.resizes();
        // Decoded once and kept (Spark's image rows: decoded pixel bytes) while the sort samples and shuffles them;
        // released after the blocks' first pass, when the sort's shuffle output serves the rest.
        JavaRDD<Row> decoded = planned(spark, images).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        JavaRDD<Row> sorted = decoded.sortBy(row -> orderKey(seed, row.getString(0)), true, Math.max(1, sc.defaultParallelism()));
        JavaRDD<ParsedRow> rows = sorted.map(row -> {
            String origin = row.getString(0);
            Path file = new Path(java.net.URI.create(origin));   // Spark's origin is the URL-encoded path ("sea%20lion/1.png")
            Path folder = file.getParent();
            if (folder == null || folder.getParent() == null || !folder.getParent().toUri().getPath().replaceAll("/+$", "").equals(root)) {
                return ParsedRow.bad(origin + ": not inside a class folder of " + dir);
            }
            Integer label = labels.get(folder.getName());
            if (label == null) {
                return ParsedRow.bad(origin + ": class folder '" + folder.getName() + "' is not one of the training classes " + classes);
            }
            int h = row.getInt(1);
            int w = row.getInt(2);
            int n = row.getInt(3);
            if (h <= 0 || w <= 0) {
                return ParsedRow.bad(origin + ": not a readable image (PNG, JPEG, BMP or GIF)");
            }
            if (!resize && (h != height || w != width)) {
                return ParsedRow.bad(origin + ": a " + h + "×" + w + " image, the first is " + height + "×" + width
                        + " (set data.image.resize = [" + height + ", " + width + "] to resize every image)");
            }
            float[] pixels;
            try {
                pixels = ImagePixels.resize(ImagePixels.toChw((byte[]) row.get(4), h, w, n, channels), channels, h, w, height, width);
            } catch (IllegalArgumentException e) {
                return ParsedRow.bad(origin + ": " + e.getMessage());
            }
            float[] values = Arrays.copyOf(pixels, pixels.length + 1);
            values[pixels.length] = label;
            try {
                rule.check(values);
            } catch (DataFormatException e) {
                return ParsedRow.bad(origin + ": " + e.getMessage());
            }
            return ParsedRow.good(values);
        });
        return new Parsed(rows, decoded);
    }
}
