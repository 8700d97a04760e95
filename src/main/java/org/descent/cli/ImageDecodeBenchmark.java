package org.descent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.descent.data.DataSpec;
import org.descent.data.ImageFolderWriter;
import org.descent.data.LabelRule;
import org.descent.data.Mnist;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.IdxBlocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench images}: how fast {@code data.format = image} turns image folders into cached blocks, beside
 * what bounds it, in one Spark context: Fashion-MNIST training images written as grey PNG class folders, then (best of
 * {@code --repeat}) the same images as IDX files (Descent's IDX reader: the rate without per-file decoding), Spark's
 * {@code binaryFile} source with a bare {@code ImageIO.read} per file (the decoder's own rate), Spark's image data
 * source alone (what {@code data.format = image} reads through), and Descent's whole image read: classes, decode,
 * seeded order, blocks, cached.
 */
@Command(name = "images", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decode throughput of data.format = image (PNG class folders of Fashion-MNIST) beside IDX, a bare ImageIO decode and Spark's image source.")
final class ImageDecodeBenchmark implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--data", defaultValue = "data/fashion-mnist", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--images", defaultValue = "10000", description = "Training images written as PNG files (default ${DEFAULT-VALUE}).")
    int images;
    @Option(names = "--dir", defaultValue = "target/bench-images", description = "Where the PNG folders go (default ${DEFAULT-VALUE}; reused when complete).")
    Path dir;
    @Option(names = "--repeat", defaultValue = "2", description = "Runs of each reader; the best is shown (default ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        org.descent.data.Dataset train = Mnist.load(data, "train").slice(0, images);
        Path png = dir.resolve("train-" + images);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add("class-" + c);
        }
        if (!Files.isDirectory(png)) {
            long t0 = System.nanoTime();
            Path tmp = dir.resolve(".writing-" + images);
            ImageFolderWriter.write(train, tmp, classes);
            Files.move(tmp, png);
            System.out.printf(Locale.ROOT, "wrote %d PNG files to %s in %.1f s%n", images, png, (System.nanoTime() - t0) / 1e9);
        }
        String folders = org.descent.io.DriverPaths.qualify(png.toString());
        try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("descent bench images", master))) {
            sc.setLogLevel("WARN");
            int partitions = sc.defaultParallelism();
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            String idx = org.descent.io.DriverPaths.qualify(data.toString());
            LabelRule rule = LabelRule.forLoss("softmax_cross_entropy", 10);
            DataSpec spec = new DataSpec("image", "", png.toString(), png.toString(), true, "label", ',', 0, "features", "label", false, null,
                    DataSpec.Image.AS_STORED);
            System.out.printf(Locale.ROOT, "%d images of 28×28 grey, %s, %d partitions, best of %d%n", images, master, partitions, repeat);
            System.out.printf(Locale.ROOT, "%-62s %10s %12s%n", "reader", "seconds", "images/s");
            row("IDX files, all 60,000 (Descent's IDX reader, cached blocks)", 60_000, () -> {
                org.apache.spark.api.java.JavaRDD<Block> b = IdxBlocks.read(sc, idx, "train", partitions);
                long n = Blocks.cache(b, org.apache.spark.storage.StorageLevel.MEMORY_ONLY()).length;
                b.unpersist(true);
                return n;
            });
            row("Spark binaryFile + ImageIO.read per file (bare decode)", images, () -> spark.read().format("binaryFile").option("recursiveFileLookup", true)
                    .load(folders).select("content").javaRDD()
                    .map(r -> javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream((byte[]) r.get(0))).getHeight()).count());
            row("Spark image data source alone (decoded pixel bytes)", images, () -> spark.read().format("image").option("recursiveFileLookup", true)
                    .load(folders).select("image.data").javaRDD().map(r -> ((byte[]) r.get(0)).length).count());
            // data.train and data.test are the same folder here: each run reads the images twice.
            row("Descent data.format = image (train + test: the folder twice)", 2 * images, () -> {
                TrainingData.Splits s = TrainingData.open(sc, spec).read(partitions, 0, rule, 1);
                long n = Blocks.cache(s.train(), org.apache.spark.storage.StorageLevel.MEMORY_ONLY()).length;
                s.train().unpersist(true);
                s.test().unpersist(true);
                return n;
            });
        }
        return 0;
    }

    /** One reader's run, which may read files. */
    @FunctionalInterface
    private interface Reader {
        long read() throws java.io.IOException;
    }

    private void row(String what, int count, Reader run) throws java.io.IOException {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            run.read();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%-62s %10.2f %12.0f%n", what, best, count / best);
    }
}
