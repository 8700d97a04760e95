package org.descent.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.engine.LocalTrainer;
import org.descent.engine.SavedModel;
import org.descent.engine.TrainingResult;
import org.descent.loss.Losses;
import org.descent.models.LayerSpecs;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.Mode;
import org.descent.nn.Network;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.optim.Adam;
import org.descent.schedule.Schedule;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported models run in ONNX Runtime and give Descent's outputs on the Fashion-MNIST test images: each model is
 * trained briefly (so batch-norm statistics and parameters are not their initial values), exported from a
 * {@code model.bin} with its input standardization, and evaluated by both on raw pixels. Outputs agree within
 * 1e-5 relative to max(1, |value|), probabilities within 1e-5, and the predicted classes match.
 */
class OnnxExporterTest {
    private static final Path DATA = Path.of("data/fashion-mnist");
    private static Dataset train;
    private static Standardizer standardizer;
    private static Dataset test;
    private static OrtEnvironment env;

    @BeforeAll
    static void load() throws IOException {
        Dataset all = Mnist.load(DATA, "train");
        standardizer = Standardizer.fit(all);
        train = all.slice(0, 1024);
        test = Mnist.load(DATA, "t10k");
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        env.close();
    }

    @Test
    void theQuickstartMlpGivesDescentsOutputs(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(1, 28, 28), "flatten", "dense(256)", "batch_norm", "relu", "dense(256)", "batch_norm", "relu", "dense(10)"), test.size(), dir);
    }

    @Test
    void theBatchNormCnnGivesDescentsOutputs(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(1, 28, 28), "conv2d(32, 3, 1, 1)", "batch_norm", "relu", "maxpool2d(2)", "conv2d(64, 3, 1, 1)", "batch_norm", "relu",
                "maxpool2d(2)", "flatten", "dense(128)", "relu", "dense(10)"), 2000, dir);
    }

    @Test
    void layerNormOnFeatureMapsAndOnFeatures(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(1, 28, 28), "conv2d(8, 3, 2, 1)", "layer_norm", "elu", "flatten", "dense(32)", "layer_norm", "tanh", "dense(10)"),
                test.size(), dir);
    }

    @Test
    void instanceNormWithStridesAveragePoolingAndDropout(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(1, 28, 28), "conv2d(8, 5, 1, 2)", "instance_norm", "leaky_relu(0.1)", "avgpool2d(2)", "dropout(0.3)",
                "conv2d(8, 3, 2, 0)", "sigmoid", "maxpool2d(3, 2)", "flatten", "dense(10)"), test.size(), dir);
    }

    @Test
    void groupNormOnFeatureMapsAndOnFeatures(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(1, 28, 28), "conv2d(8, 3, 2, 1)", "group_norm(4)", "relu", "flatten", "dense(32)", "group_norm(8)", "relu", "dense(10)"),
                test.size(), dir);
    }

    @Test
    void aSoftmaxLayerOverAFeatureMapAndADenseInputModel(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(784), "dense(64)", "relu", "dense(10)", "softmax"), test.size(), dir);
        agree(model(Shape.of(1, 28, 28), "conv2d(2, 3, 2, 1)", "softmax", "flatten", "dense(10)"), test.size(), dir);
    }

    /** Images read as sequences of 28 rows: a dense layer applies to each row (MatMul over [N, T, F]). */
    @Test
    void aDenseLayerOverASequenceAppliesPerStep(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(28, 28), "dense(16)", "relu", "flatten", "dense(10)"), test.size(), dir);
    }

    /**
     * Recurrent layers over the images' 28 rows, every step's state and the last only: ONNX's RNN, LSTM (gates
     * reordered to i, o, f, c) and GRU (z, r, h, linear_before_reset) give Descent's outputs.
     */
    @Test
    void recurrentLayersGiveDescentsOutputs(@TempDir Path dir) throws Exception {
        agree(model(Shape.of(28, 28), "rnn(12, last)", "dense(10)"), 2000, dir);
        agree(model(Shape.of(28, 28), "lstm(12, last)", "dense(10)"), 2000, dir);
        agree(model(Shape.of(28, 28), "gru(12, last)", "dense(10)"), 2000, dir);
        agree(model(Shape.of(28, 28), "lstm(8)", "dense(4)", "flatten", "dense(10)"), 2000, dir);
        agree(model(Shape.of(28, 28), "gru(8)", "tanh", "rnn(6, last)", "dense(10)"), 2000, dir);
    }

    @Test
    void theGraphIsOpset17WithLabelledInputsOutputsAndMetadata() {
        SavedModel t = trained(model(Shape.of(1, 28, 28), "flatten", "dense(10)"));
        SavedModel saved = new SavedModel(t.model(), t.params(), t.buffers(), t.standardizer(), t.loss(), List.of("T-shirt", "Trouser"));
        ModelProto m = OnnxExporter.export(saved);
        assertEquals(8, m.getIrVersion());
        assertEquals(OnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals(List.of("output", "probabilities", "label"), m.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
        assertEquals("Sub", m.getGraph().getNode(0).getOpType(), "the input normalization comes first");
        assertTrue(m.getMetadataPropsList().stream().anyMatch(e -> e.getKey().equals("descent.classes") && e.getValue().equals("T-shirt,Trouser")));
    }

    @Test
    void anUnsupportedLayerIsOneLineNamingItAndNothingIsWritten(@TempDir Path dir) {
        Layer custom = new Layer() {
            @Override
            public String type() {
                return "my_layer";
            }

            @Override
            public Shape outputShape(Shape in) {
                return in;
            }

            @Override
            public Kernel kernel(Shape in, LayerSlot slot) {
                throw new UnsupportedOperationException();
            }
        };
        Sequential model = new Sequential(Shape.of(4), List.of(LayerSpecs.parse("dense(3)"), custom));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.export(model, model.initParams(1), model.initBuffers(), null, "squared_error", null));
        assertTrue(e.getMessage().startsWith("layer 1 (my_layer, input [3]): ONNX export does not support this layer type"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(dir.resolve("model.onnx")));
    }

    private static Sequential model(Shape input, String... layers) {
        return new Sequential(input, LayerSpecs.parseAll(List.of(layers)));
    }

    /** Two epochs of Adam over 1,024 training images standardized as train does (fitted on all 60,000), batches of 64. */
    private static SavedModel trained(Sequential model) {
        Dataset normalized = copy(train);
        standardizer.applyInPlace(normalized);
        TrainingResult r = new LocalTrainer(model, Losses.byName("softmax_cross_entropy"), new Adam(Schedule.constant(1e-3), 0.9, 0.999, 1e-8, false),
                new LocalTrainer.Settings(64, 2, 7, false)).fit(normalized, null, null);
        return new SavedModel(model, r.params(), r.buffers(), standardizer, "softmax_cross_entropy");
    }

    private static void agree(Sequential model, int examples, Path dir) throws IOException, OrtException {
        SavedModel saved = trained(model);
        Path file = dir.resolve("model.onnx");
        OnnxExporter.save(OnnxExporter.export(saved), file);
        int d = test.featureSize();
        int k = model.outputShape().size();
        float[] raw = Arrays.copyOf(test.features(), examples * d);
        float[] expected = descentOutputs(saved, raw.clone(), examples);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {examples, d});
                 OrtSession.Result result = session.run(Map.of("input", input))) {
                float[][] output = (float[][]) result.get("output").orElseThrow().getValue();
                float[][] probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
                long[] labels = (long[]) result.get("label").orElseThrow().getValue();
                double worst = 0;
                double worstP = 0;
                for (int e = 0; e < examples; e++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int arg = 0;
                    for (int j = 0; j < k; j++) {
                        float want = expected[e * k + j];
                        worst = Math.max(worst, Math.abs(output[e][j] - want) / Math.max(1, Math.abs(want)));
                        if (want > max) {
                            max = want;
                            arg = j;
                        }
                    }
                    for (int j = 0; j < k; j++) {
                        sum += Math.exp(expected[e * k + j] - max);
                    }
                    for (int j = 0; j < k; j++) {
                        double p = Math.exp(expected[e * k + j] - max) / sum;
                        worstP = Math.max(worstP, Math.abs(p - probabilities[e][j]));
                    }
                    if (labels[e] != arg) {
                        // A near tie may break either way; the two outputs must then be within the tolerance.
                        assertEquals(expected[e * k + arg], expected[e * k + (int) labels[e]], 1e-5 * Math.max(1, Math.abs(max)), "example " + e + "'s class");
                    }
                }
                assertTrue(worstP <= 1e-5, model.layers() + ": the largest difference of a probability is " + worstP);
                assertTrue(worst <= 1e-5, model.layers() + ": the largest relative difference of an output is " + worst);
            }
        }
    }

    /** Descent's evaluation-mode outputs on raw rows, normalized as {@code evaluate} does. */
    private static float[] descentOutputs(SavedModel saved, float[] rows, int n) {
        saved.standardizer().applyInPlace(rows, n, saved.model().inputShape().size());
        Network network = saved.model().newNetwork();
        StepContext ctx = new StepContext(saved.params(), null, saved.buffers(), null);
        ctx.mode = Mode.EVAL;
        int d = saved.model().inputShape().size();
        int k = saved.model().outputShape().size();
        float[] out = new float[n * k];
        int batch = 500;
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            float[] y = network.forward(ctx, Arrays.copyOfRange(rows, from * d, (from + m) * d), m);
            System.arraycopy(y, 0, out, from * k, m * k);
        }
        return out;
    }

    private static Dataset copy(Dataset d) {
        return new Dataset(d.shape(), d.features().clone(), d.labelWidth(), d.labels().clone(), d.size());
    }
}
