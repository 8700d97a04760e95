package org.descent.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;

/** Params in Spark's style: defaults, getters and setters, explainParams, copy, and refusals that say why (no Spark context needed). */
class NeuralNetParamsTest {
    private static final List<String> NAMES = List.of("layers", "inputShape", "loss", "optimizer", "learningRate", "batchSize", "epochs", "seed",
            "numPartitions", "engineMode", "batchNormMode", "momentum", "beta1", "beta2", "eps", "weightDecay", "clipNorm", "learningRateSchedule",
            "earlyStoppingPatience", "earlyStoppingMetric", "validationFraction");

    @Test
    void explainParamsListsEveryParamWithItsDocAndDefault() {
        String classifier = new NeuralNetClassifier().explainParams();
        String regressor = new NeuralNetRegressor().explainParams();
        for (String name : NAMES) {
            assertTrue(classifier.contains(name + ": "), name + " missing from\n" + classifier);
            assertTrue(regressor.contains(name + ": "), name + " missing from\n" + regressor);
        }
        for (String standard : List.of("featuresCol", "labelCol", "predictionCol", "rawPredictionCol", "probabilityCol", "thresholds")) {
            assertTrue(classifier.contains(standard + ": "), standard);
        }
        assertTrue(classifier.contains("learningRate: the optimizer's learning rate (> 0) (default: 0.001)"), classifier);
        assertTrue(classifier.contains("loss: the training loss: softmax_cross_entropy, cross_entropy, hinge (default: softmax_cross_entropy)"), classifier);
        assertTrue(regressor.contains("(default: squared_error)"), regressor);
        assertTrue(classifier.contains("optimizer: the optimizer: sgd, momentum"), classifier);
        assertTrue(classifier.contains("(default: [dense(64), relu])"), "arrays are written out: " + classifier);
        assertTrue(classifier.contains("inputShape: the shape each features vector is read as"), classifier);
        assertTrue(classifier.contains("(default: [])"), classifier);
        String set = new NeuralNetClassifier().setLayers("dense(8)", "tanh").setInputShape(2, 2).explainParams();
        assertTrue(set.contains("(default: [dense(64), relu], current: [dense(8), tanh])"), set);
        assertTrue(set.contains("(default: [], current: [2, 2])"), set);
    }

    @Test
    void defaultsAndSetters() {
        NeuralNetClassifier c = new NeuralNetClassifier();
        assertArrayEquals(new String[] {"dense(64)", "relu"}, c.getLayers());
        assertEquals("adam", c.getOptimizer());
        assertEquals(0.001, c.getLearningRate());
        assertEquals(128, c.getBatchSize());
        assertEquals(10, c.getEpochs());
        assertEquals(1L, c.getSeed());
        assertEquals(0, c.getNumPartitions());
        assertEquals("auto", c.getEngineMode());   // engine.mode = auto: the barrier stage when the cluster holds it
        assertEquals("local", c.getBatchNormMode());
        assertEquals(0, c.getInputShape().length);
        c.setLayers("dense(8)", "tanh").setLoss("hinge").setOptimizer("sgd").setLearningRate(0.5).setBatchSize(7).setEpochs(3).setSeed(42)
                .setNumPartitions(4).setEngineMode("barrier").setBatchNormMode("sync").setInputShape(2, 2).setFeaturesCol("f").setLabelCol("y");
        assertArrayEquals(new String[] {"dense(8)", "tanh"}, c.getLayers());
        assertEquals("hinge", c.getLoss());
        assertEquals("sgd", c.getOptimizer());
        assertEquals(0.5, c.getLearningRate());
        assertEquals(7, c.getBatchSize());
        assertEquals(3, c.getEpochs());
        assertEquals(42L, c.getSeed());
        assertEquals(4, c.getNumPartitions());
        assertEquals("barrier", c.getEngineMode());
        assertEquals("sync", c.getBatchNormMode());
        assertArrayEquals(new int[] {2, 2}, c.getInputShape());
        assertEquals("f", c.getFeaturesCol());
        assertEquals("squared_error", new NeuralNetRegressor().getLoss());
    }

    @Test
    void tuningParamsHaveDefaultsOrTheOptimizersOwn() {
        NeuralNetClassifier c = new NeuralNetClassifier();
        assertEquals("constant", c.getLearningRateSchedule());
        assertEquals(0, c.getEarlyStoppingPatience());
        assertEquals("loss", c.getEarlyStoppingMetric());
        assertEquals(0.0, c.getValidationFraction());
        assertTrue(!c.isDefined(c.momentum()) && !c.isDefined(c.beta1()), "unset optimizer hyperparameters take the optimizer's defaults");
        c.setMomentum(0.95).setBeta1(0.8).setBeta2(0.99).setEps(1e-6).setWeightDecay(1e-4).setClipNorm(5).setLearningRateSchedule("cosine(steps=100)")
                .setEarlyStoppingPatience(3).setEarlyStoppingMetric("accuracy").setValidationFraction(0.1);
        assertEquals(0.95, c.getMomentum());
        assertEquals(0.8, c.getBeta1());
        assertEquals(0.99, c.getBeta2());
        assertEquals(1e-6, c.getEps());
        assertEquals(1e-4, c.getWeightDecay());
        assertEquals(5.0, c.getClipNorm());
        assertEquals("cosine(steps=100)", c.getLearningRateSchedule());
        assertEquals(3, c.getEarlyStoppingPatience());
        assertEquals("accuracy", c.getEarlyStoppingMetric());
        assertEquals(0.1, c.getValidationFraction());
    }

    @Test
    void theOptimizerTakesTheSetHyperparametersAndTheSchedule() {
        NeuralNetClassifier c = new NeuralNetClassifier().setOptimizer("momentum").setLearningRate(0.1).setMomentum(0.5)
                .setLearningRateSchedule("step(gamma=0.5, stepSize=10)");
        org.descent.optim.GradientTransform o = NetworkTraining.optimizer(c);
        assertEquals(0.1, o.hyperparameters(0).get("learningRate"), 1e-12);
        assertEquals(0.05, o.hyperparameters(10).get("learningRate"), 1e-12, "the step schedule halves the rate at step 10");
        assertEquals(0.5, o.hyperparameters(0).get("momentum"), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkTraining.optimizer(c.copy(new ParamMap()).setOptimizer("sgd")));
        assertTrue(e.getMessage().contains("unknown hyperparameter 'momentum'") && e.getMessage().contains("(for sgd)"), e.getMessage());
    }

    @Test
    void scheduleTextReadsTypesKeysAndLists() {
        assertEquals(java.util.Map.of("type", "constant"), ScheduleText.config("constant"));
        assertEquals(java.util.Map.of("type", "multistep", "gamma", 0.1, "milestones", List.of(1000.0, 3000.0)),
                ScheduleText.config("multistep(gamma=0.1, milestones=[1000, 3000])"));
        assertEquals(0.5, ScheduleText.parse("cosine(steps=100)", 1.0).at(50), 1e-9);
    }

    @Test
    void copyKeepsUidAndValuesAndTakesExtras() {
        NeuralNetRegressor r = new NeuralNetRegressor().setEpochs(3).setOptimizer("rmsprop");
        NeuralNetRegressor copy = r.copy(new ParamMap().put(r.learningRate().w(0.25)));
        assertNotSame(r, copy);
        assertEquals(r.uid(), copy.uid());
        assertEquals(3, copy.getEpochs());
        assertEquals("rmsprop", copy.getOptimizer());
        assertEquals(0.25, copy.getLearningRate());
        assertEquals(0.001, r.getLearningRate());
        assertEquals(copy.uid(), copy.learningRate().parent());
        assertEquals(copy.uid(), copy.featuresCol().parent());
    }

    @Test
    void aGivenUidIsEveryParamsParent() {
        NeuralNetClassifier c = new NeuralNetClassifier("nnClassifier_given");
        assertEquals("nnClassifier_given", c.uid());
        for (org.apache.spark.ml.param.Param<?> p : c.params()) {
            assertEquals("nnClassifier_given", p.parent(), p.name());
        }
        assertTrue(new NeuralNetClassifier().uid().startsWith("nnClassifier_"));
    }

    @Test
    void badValuesAreRefusedWithAClearMessage() {
        NeuralNetClassifier c = new NeuralNetClassifier();
        assertRefused(() -> c.setLearningRate(-0.1), "learningRate = -0.1 is refused: it must be a positive, finite number");
        assertRefused(() -> c.setLearningRate(Double.NaN), "learningRate = NaN is refused");
        assertRefused(() -> c.setOptimizer("adamm"), "optimizer = 'adamm' is refused: unknown optimizer 'adamm' (did you mean 'adam'?); known: sgd,");
        assertRefused(() -> c.setLoss("squared_error"), "loss = 'squared_error' is refused: unknown loss 'squared_error'");
        assertRefused(() -> new NeuralNetRegressor().setLoss("hinge"), "known: squared_error, mse");
        assertRefused(() -> c.setLayers("dense(16)", "rellu"), "layers = [dense(16), rellu] is refused: unknown layer 'rellu' (did you mean 'relu'?)");
        assertRefused(() -> c.setLayers("dense(0)"), "dense needs a positive number of units");
        assertRefused(() -> c.setBatchSize(0), "batchSize = 0 is refused: it must be ≥ 1");
        assertRefused(() -> c.setEpochs(-1), "epochs = -1 is refused: it must be ≥ 0");
        assertRefused(() -> c.setNumPartitions(-2), "numPartitions = -2 is refused");
        assertRefused(() -> c.setEngineMode("barier"), "unknown engine mode 'barier' (did you mean 'barrier'?)");
        assertRefused(() -> c.setBatchNormMode("global"), "unknown batch-norm mode 'global'");
        assertRefused(() -> c.setInputShape(1, 0, 28), "inputShape = [1, 0, 28] is refused: every dimension must be positive");
        assertRefused(() -> c.setMomentum(1.0), "momentum = 1.0 is refused: it must be in [0, 1)");
        assertRefused(() -> c.setBeta2(-0.1), "beta2 = -0.1 is refused");
        assertRefused(() -> c.setEps(0), "eps = 0.0 is refused: it must be a positive, finite number");
        assertRefused(() -> c.setWeightDecay(-1), "weightDecay = -1.0 is refused: it must be a finite number ≥ 0");
        assertRefused(() -> c.setLearningRateSchedule("cosin(steps=10)"), "learningRateSchedule = 'cosin(steps=10)' is refused: unknown schedule type 'cosin' "
                + "(did you mean 'cosine'?)");
        assertRefused(() -> c.setLearningRateSchedule("cosine(step=10)"), "unknown key for schedule cosine 'step'");
        assertRefused(() -> c.setEarlyStoppingMetric("auc"), "unknown early-stopping metric 'auc'");
        assertRefused(() -> c.setValidationFraction(1.0), "validationFraction = 1.0 is refused: it must be in [0, 1)");
        assertRefused(() -> new org.apache.spark.ml.tuning.ParamGridBuilder().addGrid(c.learningRate(), new double[] {0.1, -1}).build(),
                "learningRate = -1.0 is refused: it must be a positive, finite number");
        assertEquals(0.001, c.getLearningRate(), "a refused value leaves the param as it was");
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable set, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, set);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
