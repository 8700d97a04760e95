package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.descent.data.Dataset;
import org.descent.data.Mnist;
import org.descent.data.Standardizer;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() throws IOException {
        train = Mnist.load(Path.of("data/fashion-mnist"), "train");
        test = Mnist.load(Path.of("data/fashion-mnist"), "t10k");
        // The seed's input normalization, fitted on the training set only.
        Standardizer standardizer = Standardizer.fit(train);
        standardizer.applyInPlace(train);
        standardizer.applyInPlace(test);
    }

    /**
     * The bar: MLP 784-256-256-10, ReLU, Adam 1e-3, batch 128, standardized inputs: ≥ 0.86
     * test accuracy after 3 epochs (PyTorch, same model: 0.851 after 1 epoch, 0.880 after 5).
     */
    @Test
    void mlpReachesTheFashionMnistBarInThreeEpochs() {
        Sequential mlp = Models.mlp(784, 256, 256, 10);
        LocalTrainer trainer = new LocalTrainer(mlp, new SoftmaxCrossEntropy(),
                Optimizers.create("adam", Map.of("learningRate", 1e-3)), new LocalTrainer.Settings(128, 3, 11, false));
        TrainingResult r = trainer.fit(train, test, m -> System.out.printf("epoch %d: train loss %.4f, test loss %.4f, test accuracy %.4f (%.1f s)%n",
                m.epoch(), m.trainLoss(), m.validation().loss(), m.validation().accuracy(), m.seconds()));
        double accuracy = r.history().get(2).validation().accuracy();
        assertTrue(accuracy >= 0.86, "test accuracy after 3 epochs: " + accuracy);
        assertEquals(3 * (long) Math.ceil(60_000 / 128.0), r.steps());
    }

    @Test
    void sameSeedGivesBitIdenticalParametersAndAnotherSeedDoesNot() {
        Dataset small = train.slice(0, 2_000);
        float[] a = fit(small, 64, 5);
        float[] b = fit(small, 64, 5);
        float[] c = fit(small, 64, 6);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    /**
     * The seed's three regimes: batch (B = N, one step per epoch), mini-batch and stochastic (B = 1)
     * all lower the loss, each with a learning rate that suits its gradient noise.
     */
    @Test
    void batchMiniBatchAndStochasticRegimesAllLearn() {
        Dataset small = train.slice(0, 500);
        for (int batch : new int[] {500, 50, 1}) {
            Sequential mlp = Models.mlp(784, 32, 10);
            LocalTrainer trainer = new LocalTrainer(mlp, new SoftmaxCrossEntropy(),
                    Optimizers.create("sgd", Map.of("learningRate", batch == 1 ? 0.005 : batch == 50 ? 0.05 : 0.2)), new LocalTrainer.Settings(batch, 20, 3, false));
            TrainingResult r = trainer.fit(small, small, null);
            EvalResult before = new Evaluator(mlp.newNetwork(), new SoftmaxCrossEntropy(), 256).evaluate(mlp.initParams(3), mlp.initBuffers(), small);
            double after = r.history().get(19).validation().loss();
            assertTrue(after < 0.6 * before.loss(), "batch " + batch + ": loss " + before.loss() + " → " + after);
            assertEquals(20L * (500 / batch), r.steps());
        }
    }

    private static float[] fit(Dataset data, int batch, long seed) {
        Sequential mlp = Models.mlp(784, 32, 10);
        return new LocalTrainer(mlp, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(batch, 2, seed, false)).fit(data, null, null).params();
    }
}
