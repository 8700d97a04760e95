package org.descent.ml;

import java.util.List;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralNetRegressor}: the network, its trained weights and the params it was
 * trained with. {@code transform} appends the prediction column (unless its param is the empty
 * string), running rows through the network in batches per partition. Saved with
 * {@code write().save(path)} and read with {@link #load}. {@link #predict} runs one row alone, which
 * can differ from {@code transform}'s batched outputs in the last bits of float32 rounding.
 */
public final class NeuralNetRegressionModel extends PredictionModel<Vector, NeuralNetRegressionModel> implements NeuralNetParams, MLWritable {
    private static final long serialVersionUID = 1L;

    /** Set by {@link #uid()} while the superclass constructor runs, then settled (see {@link PendingUid}). */
    private String uid;
    private NeuralNetParamSet neuralNetParams;
    private TrainedNetwork network;

    NeuralNetRegressionModel(String uid, TrainedNetwork network) {
        this(PendingUid.park(uid), network);
    }

    private NeuralNetRegressionModel(PendingUid pending, TrainedNetwork network) {
        super();
        this.uid = pending.settle(this.uid);
        this.neuralNetParams = new NeuralNetParamSet(this, Task.REGRESSION);
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
    public int numFeatures() {
        return network.inputSize();
    }

    /** The fitted network as a table: each layer with its output shape and parameter count. */
    public String networkSummary() {
        return network.model().summary();
    }

    /** The network's output for one features vector. */
    @Override
    public double predict(Vector features) {
        return network.forward(features)[0];
    }

    /** As MLlib's transform (the prediction column with its metadata), with batched forward passes. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema(), true);
        if (getPredictionCol().isEmpty()) {
            return dataset.toDF();
        }
        return NetworkTransform.apply(dataset, getFeaturesCol(), List.of(schema.apply(getPredictionCol())), network,
                (out, offset, k, values, at) -> values[at] = (double) out[offset]);
    }

    @Override
    public NeuralNetRegressionModel copy(ParamMap extra) {
        return copyValues(new NeuralNetRegressionModel(uid(), network), extra).setParent(parent());
    }

    /**
     * Writes the fitted network as an ONNX model (opset {@value org.descent.onnx.OnnxExporter#OPSET}) to {@code path}, any Hadoop
     * FileSystem path, through a temporary name and a rename. Its input {@code input} is the features column as float rows
     * {@code [N, numFeatures]}; its outputs are the prediction ('output'). A stage before this one in a Pipeline (a
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
    public static MLReader<NeuralNetRegressionModel> read() {
        return new NetworkModelIO.Reader<>(NeuralNetRegressionModel.class, NeuralNetRegressionModel::new);
    }

    public static NeuralNetRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "NeuralNetRegressionModel: uid=" + uid() + ", numFeatures=" + numFeatures() + ", layers=" + network.describe();
    }
}
