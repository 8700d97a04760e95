package org.descent.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralNetClassifier}: the network, its trained weights and the params it was
 * trained with. {@code transform} appends {@code rawPrediction} (the network's outputs),
 * {@code probability} (their softmax) and {@code prediction}, each unless its column param is set
 * to the empty string, as MLlib's probabilistic classifiers do; rows are run through the network
 * in batches per partition. Saved with {@code write().save(path)} and read with {@link #load}.
 * {@link #predictRaw} and the other one-vector methods run the network on that row alone: float32
 * matrix products round differently for one row than for a batch, so they can differ from
 * {@code transform}'s outputs in the last bits.
 *
 * <p>{@link #findSummaryModel()} is overridden only to make the class compile in Java: Scala
 * narrows its return type between {@code ClassificationModel} and
 * {@code ProbabilisticClassificationModel} in a way javac sees as two clashing methods; the
 * override returns what the superclass does.
 */
public final class NeuralNetClassificationModel extends ProbabilisticClassificationModel<Vector, NeuralNetClassificationModel>
        implements NeuralNetParams, MLWritable {
    private static final long serialVersionUID = 1L;

    /** Set by {@link #uid()} while the superclass constructor runs, then settled (see {@link PendingUid}). */
    private String uid;
    private NeuralNetParamSet neuralNetParams;
    private TrainedNetwork network;

    NeuralNetClassificationModel(String uid, TrainedNetwork network) {
        this(PendingUid.park(uid), network);
    }

    private NeuralNetClassificationModel(PendingUid pending, TrainedNetwork network) {
        super();
        this.uid = pending.settle(this.uid);
        this.neuralNetParams = new NeuralNetParamSet(this, Task.CLASSIFICATION);
        this.network = network;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = PendingUid.claim();
        }
        return uid;
    }

    @Override
    public NeuralNetParamSet neuralNetParams() {
        return neuralNetParams;
    }

    /** As Spark's, with array values written out element by element. */
    @Override
    public String explainParam(Param<?> param) {
        return ParamText.explain(this, param, super.explainParam(param));
    }

    @Override
    public int numClasses() {
        return network.outputSize();
    }

    @Override
    public int numFeatures() {
        return network.inputSize();
    }

    /** The fitted network as a table: each layer with its output shape and parameter count. */
    public String networkSummary() {
        return network.model().summary();
    }

    /** The network's outputs (one per class) for one features vector. */
    @Override
    public Vector predictRaw(Vector features) {
        return new DenseVector(network.forward(features));
    }

    /** Softmax, in place, shifted by the largest output so that large logits cannot overflow. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!(rawPrediction instanceof DenseVector dense)) {
            throw new IllegalArgumentException("raw predictions must be dense vectors, got " + rawPrediction.getClass().getSimpleName());
        }
        double[] v = dense.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return dense;
    }

    /** As MLlib's transform (same columns, same metadata, same prediction rule), with batched forward passes. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema(), true);
        boolean raw = !getRawPredictionCol().isEmpty();
        boolean probability = !getProbabilityCol().isEmpty();
        boolean prediction = !getPredictionCol().isEmpty();
        List<StructField> appended = new ArrayList<>();
        for (String name : new String[] {raw ? getRawPredictionCol() : "", probability ? getProbabilityCol() : "", prediction ? getPredictionCol() : ""}) {
            if (!name.isEmpty()) {
                appended.add(schema.apply(name));
            }
        }
        if (appended.isEmpty()) {
            return dataset.toDF();
        }
        NeuralNetClassificationModel self = this;
        return NetworkTransform.apply(dataset, getFeaturesCol(), appended, network, (out, offset, k, values, at) -> {
            double[] logits = new double[k];
            for (int j = 0; j < k; j++) {
                logits[j] = out[offset + j];
            }
            DenseVector rawVector = new DenseVector(logits);
            int i = at;
            if (raw) {
                values[i++] = rawVector;
            }
            if (probability) {
                values[i++] = self.raw2probability(rawVector);
            }
            if (prediction) {
                values[i] = self.raw2prediction(rawVector);
            }
        });
    }

    @Override
    public NeuralNetClassificationModel copy(ParamMap extra) {
        return copyValues(new NeuralNetClassificationModel(uid(), network), extra).setParent(parent());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    @Override
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    /**
     * Writes the fitted network as an ONNX model (opset {@value org.descent.onnx.OnnxExporter#OPSET}) to {@code path}, any Hadoop
     * FileSystem path, through a temporary name and a rename. Its input {@code input} is the features column as float rows
     * {@code [N, numFeatures]}; its outputs are the raw predictions ('output'), 'probabilities' and 'label'. A stage before this one in a Pipeline (a
     * StandardScaler, say) is not part of the file.
     *
     * @throws IllegalArgumentException naming a layer that ONNX export does not support
     */
    public void exportOnnx(String path) throws java.io.IOException {
        SparkSession spark = SparkSession.active();
        network.writeOnnx(new org.apache.hadoop.fs.Path(org.descent.io.DriverPaths.qualify(path)), spark.sparkContext().hadoopConfiguration());
    }

    @Override
    public MLWriter write() {
        return new NetworkModelIO.Writer(this, network);
    }

    /** Reads a model saved with {@code write().save(path)} (Pipelines call this by reflection). */
    public static MLReader<NeuralNetClassificationModel> read() {
        return new NetworkModelIO.Reader<>(NeuralNetClassificationModel.class, NeuralNetClassificationModel::new);
    }

    public static NeuralNetClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "NeuralNetClassificationModel: uid=" + uid() + ", numClasses=" + numClasses() + ", numFeatures=" + numFeatures() + ", layers="
                + network.describe();
    }
}
