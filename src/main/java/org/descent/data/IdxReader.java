package org.descent.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of the MNIST family (LeCun et al.): a magic number {@code 0x0000TTDD} (TT the
 * element type, DD the number of dimensions), DD big-endian int32 sizes, then the elements. Only
 * unsigned bytes ({@code TT = 0x08}) are accepted, which is what MNIST and Fashion-MNIST use.
 * Gzipped files are recognised by their magic bytes, whatever their name.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /** An IDX array: its dimensions and its bytes in row-major order. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }

        /** Elements per item (the product of all but the first dimension). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) {
                s *= dims[i];
            }
            return s;
        }
    }

    /**
     * @throws DataFormatException naming the file and what is wrong (magic, type, truncation)
     */
    public static IdxArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads an IDX stream (gzipped or not) from any source, such as a Hadoop FileSystem; {@code name}
     * is used in error messages. The stream is not closed.
     */
    public static IdxArray read(InputStream stream, String name) throws IOException {
        InputStream raw = new BufferedInputStream(stream, 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        DataInputStream data = new DataInputStream(in);
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(name + ": empty or truncated IDX header");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || rank == 0) {
            throw new DataFormatException(String.format("%s: not an IDX file (magic 0x%08x)", name, magic));
        }
        if (type != 0x08) {
            throw new DataFormatException(String.format("%s: IDX element type 0x%02x is not supported (only unsigned byte, 0x08)", name, type));
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = data.readInt();
            } catch (EOFException e) {
                throw new DataFormatException(name + ": truncated IDX header (dimension " + i + " of " + rank + ")");
            }
            if (dims[i] < 0) {
                throw new DataFormatException(name + ": negative dimension " + dims[i]);
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(name + ": " + Arrays.toString(dims) + " is too large for one array");
        }
        byte[] bytes = new byte[(int) total];
        try {
            data.readFully(bytes);
        } catch (EOFException e) {
            throw new DataFormatException(name + ": truncated: header " + Arrays.toString(dims) + " promises " + total + " bytes of data");
        }
        return new IdxArray(dims, bytes);
    }
}
