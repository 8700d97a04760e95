package org.descent.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes grey images of a {@link Dataset} (values in [0, 1], shape {@code [1, H, W]}) as 8-bit PNG files in one folder
 * per class, {@code <root>/<class name>/<index, 5 digits>.png}: the layout {@code data.format = image} reads. The image
 * benchmark and the tests make their folders with it from Fashion-MNIST.
 */
public final class ImageFolderWriter {
    private ImageFolderWriter() {
    }

    /** Writes every example of {@code data}; {@code classes.get(label)} names its folder. */
    public static void write(Dataset data, Path root, List<String> classes) throws IOException {
        int h = data.shape().dim(1);
        int w = data.shape().dim(2);
        for (int i = 0; i < data.size(); i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(data.features()[i * h * w + y * w + x] * 255));
                }
            }
            Path file = root.resolve(classes.get((int) data.labels()[i])).resolve(String.format(Locale.ROOT, "%05d.png", i));
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        }
    }
}
