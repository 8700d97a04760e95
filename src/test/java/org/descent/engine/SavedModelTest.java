package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.bin}: what is saved loads back equal, class names included; version 1 files (without names) still load. */
class SavedModelTest {
    private static final Sequential MODEL = new Sequential(Shape.of(4), LayerSpecs.parseAll(List.of("dense(3)", "batch_norm")));

    @Test
    void aModelWithClassNamesRoundTrips(@TempDir Path dir) throws IOException {
        SavedModel saved = new SavedModel(MODEL, MODEL.initParams(3), MODEL.initBuffers(), null, "softmax_cross_entropy", List.of("cat", "dog", "eel"));
        saved.save(dir.resolve("model.bin"));
        SavedModel loaded = SavedModel.load(dir);
        assertArrayEquals(saved.params(), loaded.params());
        assertArrayEquals(saved.buffers(), loaded.buffers());
        assertEquals(List.of("cat", "dog", "eel"), loaded.classes());
        assertEquals("softmax_cross_entropy", loaded.loss());
        assertEquals(List.of(), List.of(dir.toFile().list()).stream().filter(f -> f.contains("tmp")).toList(), "no temporary file is left");
    }

    @Test
    void aVersionOneFileLoadsWithoutClassNames(@TempDir Path dir) throws IOException {
        float[] params = MODEL.initParams(5);
        Path file = dir.resolve("model.bin");
        try (OutputStream out = Files.newOutputStream(file); ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeUTF("descent-model-1");
            o.writeObject(MODEL);
            o.writeObject(params);
            o.writeObject(MODEL.initBuffers());
            o.writeObject(null);
            o.writeUTF("squared_error");
        }
        SavedModel loaded = SavedModel.load(file);
        assertArrayEquals(params, loaded.params());
        assertNull(loaded.classes());
        assertNull(loaded.standardizer());
    }

    @Test
    void somethingElseIsOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.bin");
        Files.writeString(file, "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(file));
        assertTrue(e.getMessage().startsWith(file + ": not a Descent model"), e.getMessage());
    }
}
