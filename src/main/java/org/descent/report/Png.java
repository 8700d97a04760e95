package org.descent.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.descent.io.AtomicFiles;

/** Writes a PNG atomically (temporary name, then rename), so no half-written image is left. */
public final class Png {
    private Png() {
    }

    public static void write(BufferedImage image, Path out) throws IOException {
        AtomicFiles.write(out, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
