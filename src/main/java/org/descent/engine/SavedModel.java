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
import java.util.List;
import org.descent.data.Standardizer;
import org.descent.io.AtomicFiles;
import org.descent.nn.Sequential;

/**
 * A trained model as {@code train} writes it ({@code model.bin}): the architecture, the flat
 * parameters, the batch-norm buffers, the input normalization fitted on the training data (null
 * when none), the loss name and the names of the classes in output order (null when the labels were
 * numbers; {@code data.format = image} saves its sorted folder names) — everything {@code evaluate},
 * {@code predict} and {@code export} need. Version 2 of the format added the class names; version 1
 * files still load (without names).
 */
public record SavedModel(Sequential model, float[] params, float[] buffers, Standardizer standardizer, String loss, List<String> classes) {
    private static final String MAGIC = "descent-model-2";
    private static final String MAGIC_1 = "descent-model-1";

    public SavedModel {
        if (params.length != model.paramCount()) {
            throw new IllegalArgumentException("the model has " + model.paramCount() + " parameters, got " + params.length);
        }
        classes = classes == null ? null : List.copyOf(classes);
    }

    /** A model whose classes have no names. */
    public SavedModel(Sequential model, float[] params, float[] buffers, Standardizer standardizer, String loss) {
        this(model, params, buffers, standardizer, loss, null);
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
        o.writeObject(classes == null ? null : classes.toArray(new String[0]));
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
            String magic = in.readUTF();
            if (!MAGIC.equals(magic) && !MAGIC_1.equals(magic)) {
                throw new IllegalArgumentException(source + ": not a Descent model (or written by another version)");
            }
            Sequential model = (Sequential) in.readObject();
            float[] params = (float[]) in.readObject();
            float[] buffers = (float[]) in.readObject();
            Standardizer standardizer = (Standardizer) in.readObject();
            String loss = in.readUTF();
            String[] classes = MAGIC.equals(magic) ? (String[]) in.readObject() : null;
            return new SavedModel(model, params, buffers, standardizer, loss, classes == null ? null : List.of(classes));
        } catch (InvalidClassException e) {
            // The file is a Descent model whose layer classes have changed since it was written (e.g. a recurrent layer).
            throw new IllegalArgumentException(source + ": a Descent model written by another version of Descent (" + e.classname
                    + " has changed since); train it again with this version", e);
        } catch (StreamCorruptedException | ClassNotFoundException | ClassCastException | java.io.EOFException
                 | java.io.UTFDataFormatException e) {
            throw new IllegalArgumentException(source + ": not a Descent model or truncated (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
