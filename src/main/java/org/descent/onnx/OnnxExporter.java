package org.descent.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.Version;
import org.descent.data.Standardizer;
import org.descent.engine.SavedModel;
import org.descent.io.AtomicFiles;
import org.descent.nn.Sequential;
import org.descent.tensor.Shape;

/**
 * Writes a trained model as an ONNX model (IR version {@code onnx.proto}'s {@code IR_VERSION}, 8 for ONNX 1.12;
 * default-domain opset {@value #OPSET}). The graph:
 * <ol>
 *   <li>input {@code input}: float {@code [N, D]}, the raw feature rows as {@code train} reads them
 *       (D = the product of {@code model.inputShape});</li>
 *   <li>the saved input normalization, {@code (x − c)·s} per feature (Sub, Mul), when the model has one;</li>
 *   <li>a Reshape to {@code [N, C, H, W]} when the model's input shape has more than one axis;</li>
 *   <li>every layer as {@link LayerTranslator} describes, in evaluation mode;</li>
 *   <li>outputs: {@code output} (the network's outputs, float {@code [N, K]}); with a softmax cross-entropy loss also
 *       {@code probabilities} (Softmax) and {@code label} (ArgMax, int64 {@code [N]}); with a binary cross-entropy
 *       loss {@code probabilities} (Sigmoid of each output).</li>
 * </ol>
 * The loss, input shape and class names (when known) are in the model's metadata ({@code descent.*}).
 */
public final class OnnxExporter {
    /** The ai.onnx opset: the newest that ONNX 1.12, whose {@code onnx.proto} generates the schema, defines. */
    public static final int OPSET = 17;
    /** A protobuf message cannot exceed 2 GiB; larger models would need ONNX's external data, which this exporter does not write. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExporter() {
    }

    /** The ONNX model of a {@code model.bin}, with its class names when it has them. */
    public static ModelProto export(SavedModel saved) {
        return export(saved.model(), saved.params(), saved.buffers(), saved.standardizer(), saved.loss(), saved.classes());
    }

    /**
     * The ONNX model of a network with its parameters, batch-norm buffers, input normalization (null for none) and loss.
     *
     * @throws IllegalArgumentException one line naming the layer ONNX export does not support, or a model too large for one file
     */
    public static ModelProto export(Sequential model, float[] params, float[] buffers, Standardizer normalization, String loss, List<String> classes) {
        long bytes = 4L * (params.length + buffers.length);
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the model's %d parameters and buffers take %.1f GB; an ONNX file written "
                    + "in one piece is limited to 2 GB (external data is not supported)", params.length + buffers.length, bytes / 1e9));
        }
        Shape in = model.inputShape();
        OnnxGraph g = new OnnxGraph("descent", "input", in.size());
        if (normalization != null) {
            g.apply("Sub", "normalize.centred", List.of(g.floats("normalize.shift", normalization.shifts(), 0, in.size())));
            g.apply("Mul", "normalize", List.of(g.floats("normalize.scale", normalization.scales(), 0, in.size())));
        }
        if (in.rank() > 1) {
            g.apply("Reshape", "input.shaped", List.of(g.longs("input.shape", LayerTranslator.batchShape(in))));
        }
        LayerTranslator layers = new LayerTranslator(model, params, buffers, g);
        for (int i = 0; i < model.layers().size(); i++) {
            layers.translate(i);
        }
        Shape out = model.outputShape();
        if (out.rank() > 1) {
            g.apply("Flatten", "output.flat", List.of(), OnnxGraph.integer("axis", 1));
        }
        String network = g.current();
        g.branch("Identity", network, "output");
        g.output("output", TensorProto.DataType.FLOAT, out.size());
        if (loss.equals("softmax_cross_entropy") || loss.equals("cross_entropy")) {
            g.branch("Softmax", network, "probabilities", OnnxGraph.integer("axis", 1));
            g.output("probabilities", TensorProto.DataType.FLOAT, out.size());
            g.branch("ArgMax", network, "label", OnnxGraph.integer("axis", 1), OnnxGraph.integer("keepdims", 0));
            g.output("label", TensorProto.DataType.INT64, 0);
        } else if (loss.equals("binary_cross_entropy") || loss.equals("logistic")) {
            g.branch("Sigmoid", network, "probabilities");
            g.output("probabilities", TensorProto.DataType.FLOAT, out.size());
        }
        g.docString("Descent model: input " + in + " (rows of " + in.size() + " raw features" + (normalization != null ? ", normalized in the graph" : "")
                + "), " + model.layers().size() + " layers, loss " + loss);
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(Version.IR_VERSION_VALUE).setProducerName("Descent")
                .setProducerVersion(version()).setDomain("org.descent").setModelVersion(1)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g.build())
                .addMetadataProps(entry("descent.loss", loss)).addMetadataProps(entry("descent.inputShape", in.toString()));
        if (classes != null) {
            m.addMetadataProps(entry("descent.classes", String.join(",", classes)));
        }
        return m.build();
    }

    /** Writes {@code model} to {@code file} through a temporary name and a rename. */
    public static void save(ModelProto model, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
        });
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String version() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
