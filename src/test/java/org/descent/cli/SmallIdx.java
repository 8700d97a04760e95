package org.descent.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.descent.data.Dataset;
import org.descent.data.Mnist;

/** Writes the first examples of an MNIST-family dataset as a smaller set of gzipped IDX files, for fast end-to-end tests. */
public final class SmallIdx {
    private SmallIdx() {
    }

    public static void write(Path from, Path to, int trainSize, int testSize) throws IOException {
        for (String split : new String[] {"train", "t10k"}) {
            Dataset d = Mnist.load(from, split).slice(0, split.equals("train") ? trainSize : testSize);
            try (DataOutputStream img = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(to.resolve(split + "-images-idx3-ubyte.gz"))));
                 DataOutputStream lab = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(to.resolve(split + "-labels-idx1-ubyte.gz"))))) {
                img.writeInt(0x0803);
                img.writeInt(d.size());
                img.writeInt(28);
                img.writeInt(28);
                for (float v : d.features()) {
                    img.writeByte(Math.round(v * 255));
                }
                lab.writeInt(0x0801);
                lab.writeInt(d.size());
                for (float v : d.labels()) {
                    lab.writeByte((int) v);
                }
            }
        }
    }
}
