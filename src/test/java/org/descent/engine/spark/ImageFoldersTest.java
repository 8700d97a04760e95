package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.DataFormatException;
import org.descent.data.DataSpec;
import org.descent.data.Dataset;
import org.descent.data.LabelRule;
import org.descent.data.Mnist;
import org.descent.engine.SavedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data.format = image} on real Spark (local[2]): Fashion-MNIST images written as grey PNG files in one folder per
 * class come back with the IDX pixels and labels, train to the accuracy of the same images from IDX files, and bad
 * folders and files are one line naming them.
 */
@org.junit.jupiter.api.Tag("spark")
class ImageFoldersTest {
    private static final String[] NAMES = {"0-tshirt", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-boot"};
    private static final int TRAIN = 3000;
    private static final int TEST = 1000;
    @TempDir
    static Path dir;
    private static JavaSparkContext sc;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void writeFolders() throws IOException {
        train = Mnist.load(Path.of("data/fashion-mnist"), "train").slice(0, TRAIN);
        test = Mnist.load(Path.of("data/fashion-mnist"), "t10k").slice(0, TEST);
        write(train, dir.resolve("png/train"));
        write(test, dir.resolve("png/test"));
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("ImageFoldersTest").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static void write(Dataset data, Path root) throws IOException {
        org.descent.data.ImageFolderWriter.write(data, root, List.of(NAMES));
    }

    private static DataSpec spec(Path trainDir, Path testDir, DataSpec.Image image) {
        return new DataSpec("image", "", trainDir.toString(), testDir.toString(), true, "label", ',', 0, "features", "label", false, null, image);
    }

    @Test
    void pngFoldersGiveEveryIdxImageOnceWithItsLabelInASeededOrder() throws IOException {
        TrainingData data = TrainingData.open(sc, spec(dir.resolve("png/train"), dir.resolve("png/test"), DataSpec.Image.AS_STORED));
        assertEquals(List.of(NAMES), data.classes());
        assertEquals(org.descent.tensor.Shape.of(1, 28, 28), data.shape());
        java.util.Map<String, Integer> byPixels = new java.util.HashMap<>();
        for (int i = 0; i < TEST; i++) {
            byPixels.putIfAbsent(java.util.Arrays.toString(java.util.Arrays.copyOfRange(test.features(), i * 784, (i + 1) * 784)), i);
        }
        List<Float> labels = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Block b : data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 10), 1).test().collect()) {
            for (int k = 0; k < b.size(); k++) {
                Integer i = byPixels.get(java.util.Arrays.toString(java.util.Arrays.copyOfRange(b.features(), k * 784, (k + 1) * 784)));
                assertTrue(i != null, "row " + labels.size() + " has the pixels of an IDX test image");
                assertEquals(test.labels()[i], b.labels()[k], "label of test image " + i);
                seen.add(i);
                labels.add(b.labels()[k]);
            }
        }
        assertEquals(byPixels.size(), seen.size(), "every image once");
        assertEquals(TEST, labels.size());
        assertTrue(labels.subList(0, 100).stream().distinct().count() >= 8, "classes are mixed, not in folder order: " + labels.subList(0, 100));
        List<Float> again = new ArrayList<>();
        for (Block b : data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 10), 1).test().collect()) {
            for (int k = 0; k < b.size(); k++) {
                again.add(b.labels()[k]);
            }
        }
        assertEquals(labels, again, "the same seed gives the same order");
    }

    @Test
    void resizedToColourTheyKeepTheirValuesWhereTheyAreUniform() throws IOException {
        TrainingData data = TrainingData.open(sc, spec(dir.resolve("png/train"), dir.resolve("png/test"), new DataSpec.Image(14, 14, 3)));
        assertEquals(org.descent.tensor.Shape.of(3, 14, 14), data.shape());
        Block first = data.read(1, 0, LabelRule.forLoss("softmax_cross_entropy", 10), 1).test().collect().get(0);
        assertEquals(3 * 14 * 14, first.features().length / first.size());
        float[] x = java.util.Arrays.copyOf(first.features(), 3 * 196);
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 0, 196), java.util.Arrays.copyOfRange(x, 196, 392), "grey to colour: red = green");
        assertEquals(0f, x[0], "a black corner stays black");
    }

    @Test
    void trainingOnThePngFoldersReachesTheAccuracyOfTheIdxFiles() throws Exception {
        Path idx = dir.resolve("idx");
        Files.createDirectories(idx);
        org.descent.cli.SmallIdx.write(Path.of("data/fashion-mnist"), idx, TRAIN, TEST);
        sc.stop();
        try {
            double fromIdx = accuracy(dir.resolve("run-idx"), "--set", "data.dir=\"" + idx + "\"");
            double fromImages = accuracy(dir.resolve("run-png"), "--set", "data.format=image", "--set", "data.train=\"" + dir.resolve("png/train") + "\"",
                    "--set", "data.test=\"" + dir.resolve("png/test") + "\"");
            assertEquals(fromIdx, fromImages, 0.02, "accuracy from IDX " + fromIdx + ", from PNG folders " + fromImages);
            assertTrue(fromImages > 0.7, "it learns: " + fromImages);
            assertEquals(List.of(NAMES), SavedModel.load(dir.resolve("run-png")).classes(), "the class names are saved with the model");
        } finally {
            sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("ImageFoldersTest").set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1"));
            sc.setLogLevel("WARN");
        }
    }

    private static double accuracy(Path out, String... sets) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "conf/quickstart.conf", "--master", "local[2]", "--out", out.toString(), "--set", "training.epochs=3",
                "--set", "training.partitions=2"));
        args.addAll(List.of(sets));
        assertEquals(0, org.descent.cli.Main.run(args.toArray(new String[0])));
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("testAccuracy").asDouble();
    }

    /** Spark's image source gives URL-encoded paths: folders named with spaces and percent signs are still their classes. */
    @Test
    void classFoldersWithSpacesAndPercentSignsInTheirNames() throws IOException {
        Path root = dir.resolve("odd names/train");
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            names.add("class " + c + (c % 2 == 0 ? " 100%" : ""));
        }
        org.descent.data.ImageFolderWriter.write(test.slice(0, 60), root, names);
        TrainingData data = TrainingData.open(sc, spec(root, root, DataSpec.Image.AS_STORED));
        List<String> present = new ArrayList<>(new java.util.TreeSet<>(names.subList(0, 10)));
        present.retainAll(data.classes());
        assertEquals(data.classes(), present, "the classes are the folder names as written");
        long rows = data.read(2, 0, LabelRule.forLoss("softmax_cross_entropy", 10), 1).test().collect().stream().mapToLong(Block::size).sum();
        assertEquals(60, rows, "every image is read, none refused as outside its class");
    }

    @Test
    void badFoldersAndFilesAreOneLineNamingThem() throws IOException {
        Path root = dir.resolve("bad");
        write(test.slice(0, 20), root.resolve("mixed"));
        Path odd = root.resolve("mixed").resolve(NAMES[(int) test.labels()[0]]).resolve("big.png");
        ImageIO.write(new BufferedImage(32, 30, BufferedImage.TYPE_BYTE_GRAY), "png", odd.toFile());
        DataFormatException sizes = assertThrows(DataFormatException.class, () -> read(root.resolve("mixed")));
        assertTrue(sizes.getMessage().contains("big.png: a 30×32 image, the first is 28×28 (set data.image.resize = [28, 28]"), sizes.getMessage());
        Files.delete(odd);

        Path notImage = root.resolve("mixed").resolve(NAMES[(int) test.labels()[0]]).resolve("notes.txt");
        Files.writeString(notImage, "not an image");
        DataFormatException text = assertThrows(DataFormatException.class, () -> read(root.resolve("mixed")));
        assertTrue(text.getMessage().contains("notes.txt: not a readable image"), text.getMessage());
        Files.delete(notImage);

        Files.createDirectories(root.resolve("mixed/zz-empty"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> read(root.resolve("mixed")));
        assertTrue(empty.getMessage().endsWith("zz-empty: an empty class folder (every sub-folder of " + org.descent.io.DriverPaths.qualify(root.resolve("mixed").toString())
                + " is a class and needs images)"), empty.getMessage());
        Files.delete(root.resolve("mixed/zz-empty"));

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> read(root.resolve("nothing")));
        assertTrue(none.getMessage().contains("nothing: no such directory"), none.getMessage());
    }

    private static void read(Path folders) throws IOException {
        TrainingData.open(sc, spec(folders, folders, DataSpec.Image.AS_STORED)).read(1, 0, LabelRule.forLoss("softmax_cross_entropy", 10), 1);
    }
}
