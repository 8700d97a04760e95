package org.descent.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.descent.engine.SavedModel;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.onnx.OnnxExporter;

/**
 * What a fitted stage holds: the architecture, its trained parameters and batch-norm buffers, and
 * the name of the loss it was trained with. The arrays are never modified after construction. It
 * is serializable, as transform's closures carry it to the executors, and saved in the
 * {@code model.bin} format of {@code descent train} ({@link SavedModel}, without an input
 * standardization: in a Pipeline that is a {@code StandardScaler}'s job).
 */
final class TrainedNetwork implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The file under a saved stage's {@code data} directory. */
    static final String FILE = "model.bin";

    private final Sequential model;
    private final float[] params;
    private final float[] buffers;
    private final String loss;
    /** One-row workspaces for {@link #forward}, one per thread (not serialized: created where used). */
    private transient volatile ThreadLocal<Workspace> single;

    TrainedNetwork(Sequential model, float[] params, float[] buffers, String loss) {
        if (params.length != model.paramCount() || buffers.length != model.bufferSize()) {
            throw new IllegalArgumentException("the model has " + model.paramCount() + " parameters and " + model.bufferSize() + " buffer floats, got "
                    + params.length + " and " + buffers.length);
        }
        this.model = model;
        this.params = params;
        this.buffers = buffers;
        this.loss = loss;
    }

    Sequential model() {
        return model;
    }

    /** The trained parameters (the caller must not modify them). */
    float[] params() {
        return params;
    }

    String loss() {
        return loss;
    }

    /** Features per example. */
    int inputSize() {
        return model.inputShape().size();
    }

    /** Outputs per example: classes for a classifier, 1 for a regressor. */
    int outputSize() {
        return model.outputShape().size();
    }

    /** The layers with their output shapes, e.g. {@code dense[64] relu[64] dense[3]}. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < model.layers().size(); i++) {
            sb.append(i == 0 ? "" : " ").append(model.layers().get(i).type()).append(model.shapeBefore(i + 1));
        }
        return sb.toString();
    }

    /** The network's outputs for one features vector, in evaluation mode (batch norm uses its running statistics, no dropout). */
    double[] forward(Vector features) {
        ThreadLocal<Workspace> local = single;
        if (local == null) {
            synchronized (this) {
                if (single == null) {
                    single = ThreadLocal.withInitial(() -> new Workspace(1));
                }
                local = single;
            }
        }
        Workspace w = local.get();
        w.load(0, features);
        float[] out = w.run(1);
        double[] result = new double[outputSize()];
        for (int j = 0; j < result.length; j++) {
            result[j] = out[j];
        }
        return result;
    }

    /** Room for {@code capacity} examples and the compute to run them; for one thread. */
    Workspace workspace(int capacity) {
        return new Workspace(capacity);
    }

    /** Input rows and a network for batches of up to {@code capacity} examples. */
    final class Workspace {
        private final Network network = model.newNetwork();
        private final StepContext ctx = new StepContext(params, null, buffers, null);
        private final float[] x;
        private final int width = inputSize();

        private Workspace(int capacity) {
            this.x = new float[capacity * width];
            ctx.mode = Mode.EVAL;
        }

        /** Copies {@code features} into row {@code row} of the batch. */
        void load(int row, Vector features) {
            if (features.size() != width) {
                throw new IllegalArgumentException("a features vector has " + features.size() + " values, the network was trained on " + width);
            }
            int o = row * width;
            if (features instanceof DenseVector dense) {
                double[] v = dense.values();
                for (int i = 0; i < width; i++) {
                    x[o + i] = (float) v[i];
                }
            } else if (features instanceof SparseVector sparse) {
                java.util.Arrays.fill(x, o, o + width, 0f);
                int[] index = sparse.indices();
                double[] v = sparse.values();
                for (int i = 0; i < index.length; i++) {
                    x[o + index[i]] = (float) v[i];
                }
            } else {
                for (int i = 0; i < width; i++) {
                    x[o + i] = (float) features.apply(i);
                }
            }
        }

        /** Runs the first {@code n} loaded rows; the outputs ({@code n × outputSize}) stay valid until the next run. */
        float[] run(int n) {
            return network.forward(ctx, x, n);
        }
    }

    /** Writes {@code <dir>/model.bin} through a temporary name and a rename, on any Hadoop FileSystem. */
    void write(Path dir, Configuration conf) throws IOException {
        writeAtomically(new Path(dir, FILE), conf, out -> new SavedModel(model, params, buffers, null, loss).writeTo(out));
    }

    /** Writes the network as an ONNX model to {@code file} (any Hadoop FileSystem) through a temporary name and a rename. */
    void writeOnnx(Path file, Configuration conf) throws IOException {
        byte[] bytes = OnnxExporter.export(model, params, buffers, null, loss, null).toByteArray();
        writeAtomically(file, conf, out -> out.write(bytes));
    }

    /** What goes into a file. */
    @FunctionalInterface
    private interface Content {
        void writeTo(FSDataOutputStream out) throws IOException;
    }

    /** {@code file}, written as {@code .<name>.tmp} beside it and renamed over it; its directory is created. */
    private static void writeAtomically(Path file, Configuration conf, Content content) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        Path parent = file.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        Path tmp = new Path(parent, "." + file.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            content.writeTo(out);
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + file);
        }
    }

    /** Reads what {@link #write} wrote in {@code dir}. */
    static TrainedNetwork read(Path dir, Configuration conf) throws IOException {
        Path file = new Path(dir, FILE);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            throw new IllegalArgumentException(file + ": no such file (not a saved Descent ML model?)");
        }
        SavedModel saved;
        try (InputStream in = fs.open(file)) {
            saved = SavedModel.readFrom(in, file.toString());
        }
        if (saved.standardizer() != null) {
            throw new IllegalArgumentException(file + ": holds an input standardization, which ML stages do not apply (use a StandardScaler)");
        }
        return new TrainedNetwork(saved.model(), saved.params(), saved.buffers(), saved.loss());
    }
}
