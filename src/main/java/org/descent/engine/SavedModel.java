package org.descent.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.descent.data.Standardizer;
import org.descent.io.AtomicFiles;
import org.descent.nn.Sequential;

/**
 * A trained model as {@code train} writes it ({@code model.bin}): the architecture, the flat
 * parameters, the batch-norm buffers, the input normalization fitted on the training data (null
 * when none) and the loss name — everything {@code evaluate} and {@code predict} need.
 */
public record SavedModel(Sequential model, float[] params, float[] buffers, Standardizer standardizer, String loss) {
    private static final String MAGIC = "descent-model-1";

    public SavedModel {
        if (params.length != model.paramCount()) {
            throw new IllegalArgumentException("the model has " + model.paramCount() + " parameters, got " + params.length);
        }
    }

    /** Writes to {@code file} through a temporary name and a rename. */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writeTo(out);
            }
        });
    }

    /** Writes the {@code model.bin} format to {@code out} (any stream: a local file, a Hadoop FileSystem file); does not close it. */
    public void writeTo(OutputStream out) throws IOException {
        ObjectOutputStream o = new ObjectOutputStream(out);
        o.writeUTF(MAGIC);
        o.writeObject(model);
        o.writeObject(params);
        o.writeObject(buffers);
        o.writeObject(standardizer);
        o.writeUTF(loss);
        o.flush();
    }

    /** Reads {@code model.bin}, or the {@code model.bin} inside a run directory; a file that is not one is a one-line error. */
    public static SavedModel load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("model.bin") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such model file (give a run directory or its model.bin)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readFrom(in, file.toString());
        }
    }

    /**
     * Reads the {@code model.bin} format from {@code stream} (does not close it); {@code source} names
     * the file in messages. Something that is not such a model is a one-line error.
     */
    public static SavedModel readFrom(InputStream stream, String source) throws IOException {
        try {
            ObjectInputStream in = new ObjectInputStream(stream);
            if (!MAGIC.equals(in.readUTF())) {
                throw new IllegalArgumentException(source + ": not a Descent model (or written by another version)");
            }
            return new SavedModel((Sequential) in.readObject(), (float[]) in.readObject(), (float[]) in.readObject(),
                    (Standardizer) in.readObject(), in.readUTF());
        } catch (StreamCorruptedException | InvalidClassException | ClassNotFoundException | ClassCastException | java.io.EOFException
                 | java.io.UTFDataFormatException e) {
            throw new IllegalArgumentException(source + ": not a Descent model or truncated (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
