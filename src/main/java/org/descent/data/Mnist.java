package org.descent.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.descent.tensor.Shape;

/**
 * Loads MNIST-family IDX pairs (images and labels) such as Fashion-MNIST into a {@link Dataset} of
 * shape {@code [1, 28, 28]} with pixels scaled to [0, 1] and the class index as the label.
 */
public final class Mnist {
    private Mnist() {
    }

    /** The split {@code "train"} or {@code "t10k"} from a directory holding the four IDX files (gzipped or not). */
    public static Dataset load(Path dir, String split) throws IOException {
        Path images = pick(dir, split + "-images-idx3-ubyte");
        Path labels = pick(dir, split + "-labels-idx1-ubyte");
        return load(images, labels);
    }

    public static Dataset load(Path imagesFile, Path labelsFile) throws IOException {
        return fromIdx(IdxReader.read(imagesFile), imagesFile.toString(), IdxReader.read(labelsFile), labelsFile.toString());
    }

    /** A dataset from already-read IDX arrays; the names are used in error messages. */
    public static Dataset fromIdx(IdxReader.IdxArray images, String imagesFile, IdxReader.IdxArray labels, String labelsFile)
            throws DataFormatException {
        if (images.dims().length != 3) {
            throw new DataFormatException(imagesFile + ": expected 3 dimensions [n, rows, cols], got " + images.dims().length);
        }
        if (labels.dims().length != 1) {
            throw new DataFormatException(labelsFile + ": expected 1 dimension [n], got " + labels.dims().length);
        }
        if (images.count() != labels.count()) {
            throw new DataFormatException(imagesFile + " has " + images.count() + " images but " + labelsFile + " has " + labels.count() + " labels");
        }
        int n = images.count();
        byte[] px = images.data();
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            x[i] = (px[i] & 0xff) / 255f;
        }
        float[] y = new float[n];
        byte[] lb = labels.data();
        for (int i = 0; i < n; i++) {
            y[i] = lb[i] & 0xff;
        }
        return new Dataset(Shape.of(1, images.dims()[1], images.dims()[2]), x, 1, y, n);
    }

    /** The file names of a split, gzipped first: {@code [images.gz, images, labels.gz, labels]}. */
    public static String[] candidates(String split) {
        return new String[] {split + "-images-idx3-ubyte.gz", split + "-images-idx3-ubyte", split + "-labels-idx1-ubyte.gz", split + "-labels-idx1-ubyte"};
    }

    private static Path pick(Path dir, String base) throws DataFormatException {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFormatException(dir + ": neither " + base + ".gz nor " + base + " exists");
    }
}
