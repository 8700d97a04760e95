package org.descent.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A feed-forward neural-network classifier trained by Descent's Spark engine: data-parallel
 * mini-batch gradient descent, one global batch per step, the optimizer applied on the driver
 * (the engine of {@code descent train}).
 *
 * <p>Labels are class indices 0 … numClasses−1 (from the label column's metadata, else its largest
 * value + 1); the network has one output per class. With the default loss
 * ({@code softmax_cross_entropy}) the outputs are logits: {@code rawPrediction} holds them,
 * {@code probability} their softmax and {@code prediction} the arg max (or the class Spark's
 * {@code thresholds} choose). With {@code hinge} the softmax of the scores is a confidence, not a
 * calibrated probability.
 *
 * <p>Params (see {@link NeuralNetParams}; {@code explainParams()} lists them with their docs):
 * {@code layers}, {@code inputShape}, {@code loss}, {@code optimizer}, {@code learningRate},
 * {@code batchSize}, {@code epochs}, {@code seed}, {@code numPartitions}, {@code engineMode},
 * {@code batchNormMode}, and Spark's {@code featuresCol}, {@code labelCol}, {@code predictionCol},
 * {@code rawPredictionCol}, {@code probabilityCol}, {@code thresholds}. A bad value is refused
 * by its setter with a message saying what is accepted; what depends on the data (layer shapes,
 * the output layer against the number of classes) is checked when fitting starts.
 */
public final class NeuralNetClassifier extends ProbabilisticClassifier<Vector, NeuralNetClassifier, NeuralNetClassificationModel>
        implements NeuralNetSetters<NeuralNetClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** The most classes the label column may have without metadata (a guard against a continuous label). */
    static final int MAX_CLASSES = 10_000;

    /** Set by {@link #uid()} while the superclass constructor runs, then settled (see {@link PendingUid}). */
    private String uid;
    private NeuralNetParamSet neuralNetParams;

    public NeuralNetClassifier() {
        this(Identifiable$.MODULE$.randomUID("nnClassifier"));
    }

    public NeuralNetClassifier(String uid) {
        this(PendingUid.park(uid));
    }

    private NeuralNetClassifier(PendingUid pending) {
        super();
        this.uid = pending.settle(this.uid);
        this.neuralNetParams = new NeuralNetParamSet(this, Task.CLASSIFICATION);
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
    public NeuralNetClassificationModel train(Dataset<?> dataset) {
        int numClasses = getNumClasses(dataset, MAX_CLASSES);
        if (numClasses < 2) {
            throw new IllegalArgumentException("the label column '" + getLabelCol() + "' has " + numClasses + " class; a classifier needs at least 2");
        }
        TrainedNetwork network = NetworkTraining.fit(dataset, this, getFeaturesCol(), getLabelCol(), numClasses, Task.CLASSIFICATION);
        return new NeuralNetClassificationModel(uid(), network);
    }

    @Override
    public NeuralNetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads an estimator saved with {@code write().save(path)} (Pipelines call this by reflection). */
    public static MLReader<NeuralNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static NeuralNetClassifier load(String path) {
        return read().load(path);
    }
}
