package org.descent.ml;

import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A feed-forward neural-network regressor trained by Descent's Spark engine (the engine of
 * {@code descent train}; see {@link NeuralNetClassifier}). The network has one output, the
 * prediction; the default loss is {@code squared_error}. Labels are used as they are: a label far
 * from unit scale trains better scaled.
 *
 * <p>It extends Spark's {@link Predictor} because MLlib's {@code Regressor} base class is not
 * public API; it adds nothing a Java class could use. Params are those of {@link NeuralNetParams}
 * and Spark's {@code featuresCol}, {@code labelCol} and {@code predictionCol}.
 */
public final class NeuralNetRegressor extends Predictor<Vector, NeuralNetRegressor, NeuralNetRegressionModel>
        implements NeuralNetSetters<NeuralNetRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** Set by {@link #uid()} while the superclass constructor runs, then settled (see {@link PendingUid}). */
    private String uid;
    private NeuralNetParamSet neuralNetParams;

    public NeuralNetRegressor() {
        this(Identifiable$.MODULE$.randomUID("nnRegressor"));
    }

    public NeuralNetRegressor(String uid) {
        this(PendingUid.park(uid));
    }

    private NeuralNetRegressor(PendingUid pending) {
        super();
        this.uid = pending.settle(this.uid);
        this.neuralNetParams = new NeuralNetParamSet(this, Task.REGRESSION);
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
    public NeuralNetRegressionModel train(Dataset<?> dataset) {
        TrainedNetwork network = NetworkTraining.fit(dataset, this, getFeaturesCol(), getLabelCol(), 1, Task.REGRESSION);
        return new NeuralNetRegressionModel(uid(), network);
    }

    @Override
    public NeuralNetRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads an estimator saved with {@code write().save(path)} (Pipelines call this by reflection). */
    public static MLReader<NeuralNetRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static NeuralNetRegressor load(String path) {
        return read().load(path);
    }
}
