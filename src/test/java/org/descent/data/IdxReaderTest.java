package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bos.toByteArray();
    }

    private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            o.write(bytes);
        }
        return p;
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, (byte) 200};
        byte[] file = idx(0x0803, new int[] {3, 1, 2}, data);
        for (boolean gz : new boolean[] {false, true}) {
            IdxReader.IdxArray a = IdxReader.read(write("a" + gz, file, gz));
            assertArrayEquals(new int[] {3, 1, 2}, a.dims());
            assertArrayEquals(data, a.data());
            assertEquals(2, a.itemSize());
        }
    }

    @Test
    void truncatedDataIsNamed() throws IOException {
        Path p = write("short", idx(0x0803, new int[] {3, 2, 2}, new byte[5]), true);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongMagicAndTypeAreNamed() throws IOException {
        Path bad = write("bad", new byte[] {'h', 'e', 'l', 'l', 'o', '!', '!', '!'}, false);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.read(bad)).getMessage().contains("not an IDX file"));
        Path floats = write("floats", idx(0x0D01, new int[] {1}, new byte[4]), false);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.read(floats)).getMessage().contains("0x0d"));
        Path missing = dir.resolve("missing");
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.read(missing)).getMessage().contains("no such file"));
    }

    @Test
    void mnistPairsMustAgreeOnCount() throws IOException {
        Path images = write("i", idx(0x0803, new int[] {2, 2, 2}, new byte[8]), false);
        Path labels = write("l", idx(0x0801, new int[] {3}, new byte[3]), false);
        assertTrue(assertThrows(DataFormatException.class, () -> Mnist.load(images, labels)).getMessage().contains("3 labels"));
    }

    @Test
    void fashionMnistShipsWithTheRepository() throws IOException {
        Dataset test = Mnist.load(Path.of("data/fashion-mnist"), "t10k");
        assertEquals(10_000, test.size());
        assertEquals("[1, 28, 28]", test.shape().toString());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[(int) test.labels()[i]]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c);
        }
        float max = 0;
        for (float v : test.features()) {
            assertTrue(v >= 0f && v <= 1f);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }
}
