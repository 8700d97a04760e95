package org.descent.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.descent.models.LayerSpecs;
import org.descent.optim.Optimizers;
import org.descent.schedule.Schedules;

/**
 * The {@link Param} objects of one neural-network stage, owned by that stage (each param's parent
 * is the stage's uid), with their docs, validators and defaults. A Java class cannot mix in a Scala
 * params trait, so every stage creates one of these after its superclass constructor and exposes
 * it through {@link NeuralNetParams#neuralNetParams()}; the accessors and getters there read it.
 */
public final class NeuralNetParamSet implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Hidden layers used when none are set: one ReLU layer of 64 units. */
    static final String[] DEFAULT_LAYERS = {"dense(64)", "relu"};

    final StringArrayParam layers;
    final IntArrayParam inputShape;
    final Param<String> loss;
    final Param<String> optimizer;
    final DoubleParam learningRate;
    final IntParam batchSize;
    final IntParam epochs;
    final LongParam seed;
    final IntParam numPartitions;
    final Param<String> engineMode;
    final Param<String> batchNormMode;
    final DoubleParam momentum;
    final DoubleParam beta1;
    final DoubleParam beta2;
    final DoubleParam eps;
    final DoubleParam weightDecay;
    final DoubleParam clipNorm;
    final Param<String> learningRateSchedule;
    final IntParam earlyStoppingPatience;
    final Param<String> earlyStoppingMetric;
    final DoubleParam validationFraction;

    /** An optimizer hyperparameter: no default of its own (unset, the optimizer's default, PyTorch's, applies). */
    private static DoubleParam hyperparameter(Params owner, String name, String doc, ParamRules.Rule<Object> rule) {
        return new DoubleParam(owner, name, doc + "; unset: the optimizer's default", ParamRules.check(name, rule));
    }

    /** Creates the params of {@code owner}, whose {@code uid()} must already be final, and sets their defaults there. */
    NeuralNetParamSet(Params owner, Task task) {
        String output = task == Task.CLASSIFICATION ? "dense(numClasses)" : "dense(1)";
        layers = new StringArrayParam(owner, "layers", "the network's layers in order, as text: " + String.join(", ", LayerSpecs.names())
                + " with their arguments, e.g. [\"dense(64)\", \"relu\", \"dropout(0.2)\"]; the input is the features vector (see inputShape); "
                + "when the last layer is not a dense layer, " + output + " is appended as the output layer, and a last dense layer must have "
                + (task == Task.CLASSIFICATION ? "numClasses units" : "1 unit"),
                ParamRules.check("layers", ParamRules.layerSpecs()));
        inputShape = new IntArrayParam(owner, "inputShape", "the shape each features vector is read as, e.g. [1, 28, 28] for conv2d layers "
                + "(channels, height, width; the product must equal the vector's size); empty: a flat vector", ParamRules.check("inputShape", ParamRules.shape()));
        loss = new Param<>(owner, "loss", "the training loss: " + String.join(", ", task.losses()),
                ParamRules.check("loss", ParamRules.oneOf("loss", task.losses())));
        optimizer = new Param<>(owner, "optimizer", "the optimizer: " + String.join(", ", Optimizers.names())
                + " (hyperparameters other than the learning rate take their defaults)", ParamRules.check("optimizer", ParamRules.oneOf("optimizer", Optimizers.names())));
        learningRate = new DoubleParam(owner, "learningRate", "the optimizer's learning rate (> 0)", ParamRules.check("learningRate", ParamRules.positive()));
        batchSize = new IntParam(owner, "batchSize", "examples per training step: the global mini-batch, split across partitions (> 0)",
                ParamRules.check("batchSize", ParamRules.atLeast(1)));
        epochs = new IntParam(owner, "epochs", "passes over the training data (≥ 0; 0 returns the initialized network)", ParamRules.check("epochs", ParamRules.atLeast(0)));
        seed = new LongParam(owner, "seed", "random seed of the initial weights, the batch order and dropout");
        numPartitions = new IntParam(owner, "numPartitions", "partitions the training data is split into, one task each per step "
                + "(≥ 0; 0 keeps the input's partitioning)", ParamRules.check("numPartitions", ParamRules.atLeast(0)));
        engineMode = new Param<>(owner, "engineMode", "how steps run: auto (barrier when the cluster has a free task slot per partition "
                + "and dynamic allocation is off, else job), job (one Spark job per step) or barrier (one barrier stage per epoch "
                + "exchanging steps over Descent's own links; needs a free task slot per partition)",
                ParamRules.check("engineMode", ParamRules.oneOf("engine mode", java.util.List.of("auto", "job", "barrier"))));
        batchNormMode = new Param<>(owner, "batchNormMode", "batch-norm statistics: local (each partition's own batch) or sync "
                + "(the whole global batch, exchanged among the tasks or through the driver; needs engineMode barrier or auto)",
                ParamRules.check("batchNormMode", ParamRules.oneOf("batch-norm mode", java.util.List.of("local", "sync"))));
        momentum = hyperparameter(owner, "momentum", "the momentum μ of momentum, nesterov, lars and rmsprop, in [0, 1)", ParamRules.fraction());
        beta1 = hyperparameter(owner, "beta1", "β₁ of the Adam family and lamb, in [0, 1)", ParamRules.fraction());
        beta2 = hyperparameter(owner, "beta2", "β₂ of the Adam family and lamb, in [0, 1)", ParamRules.fraction());
        eps = hyperparameter(owner, "eps", "ε of the adaptive optimizers (> 0)", ParamRules.positive());
        weightDecay = hyperparameter(owner, "weightDecay", "weight decay: L2 added to the gradient, decoupled for adamw, lars and lamb (≥ 0)",
                ParamRules.atLeastReal(0));
        clipNorm = hyperparameter(owner, "clipNorm", "clip the gradient to this global L2 norm before the update (≥ 0; 0: off)", ParamRules.atLeastReal(0));
        learningRateSchedule = new Param<>(owner, "learningRateSchedule", "the learning rate as a function of the step: a type ("
                + String.join(", ", Schedules.types()) + ") with train's keys, e.g. cosine(steps=2000), step(gamma=0.5, stepSize=1000, warmupSteps=100), "
                + "multistep(gamma=0.1, milestones=[1000, 3000]); a missing initial is learningRate", ParamRules.check("learningRateSchedule", ParamRules.schedule()));
        earlyStoppingPatience = new IntParam(owner, "earlyStoppingPatience", "stop after this many epochs without improvement of the validation metric "
                + "and keep the best epoch's network (≥ 0; 0: off; needs validationFraction > 0)", ParamRules.check("earlyStoppingPatience", ParamRules.atLeast(0)));
        earlyStoppingMetric = new Param<>(owner, "earlyStoppingMetric", "what early stopping watches on the validation rows: loss or accuracy",
                ParamRules.check("earlyStoppingMetric", ParamRules.oneOf("early-stopping metric", java.util.List.of("loss", "accuracy"))));
        validationFraction = new DoubleParam(owner, "validationFraction", "the fraction of the training rows (the last ones, in input order) held out "
                + "and evaluated after every epoch, for early stopping; in [0, 1)", ParamRules.check("validationFraction", ParamRules.fraction()));
        owner.setDefault(learningRateSchedule, "constant");
        owner.setDefault(earlyStoppingPatience, 0);
        owner.setDefault(earlyStoppingMetric, "loss");
        owner.setDefault(validationFraction, 0.0);
        owner.setDefault(layers, DEFAULT_LAYERS.clone());
        owner.setDefault(inputShape, new int[0]);
        owner.setDefault(loss, task.defaultLoss());
        owner.setDefault(optimizer, "adam");
        owner.setDefault(learningRate, 0.001);
        owner.setDefault(batchSize, 128);
        owner.setDefault(epochs, 10);
        owner.setDefault(seed, 1L);
        owner.setDefault(numPartitions, 0);
        owner.setDefault(engineMode, "auto");
        owner.setDefault(batchNormMode, "local");
    }
}
