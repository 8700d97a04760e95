package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.loss.Loss;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.ReLU;
import org.descent.nn.norm.BatchNorm;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class KernelWarmUpTest {
    private static Sequential model(int hidden) {
        return new Sequential(Shape.of(20), List.of(new Dense(hidden), new BatchNorm(), new ReLU(), new Dense(10)));
    }

    /** One exact step of a fresh network over fixed data: the sums, the statistics and the loss. */
    private static double[] exactStep(Sequential model, int n) {
        Rng rng = new Rng(7);
        float[] x = new float[n * 20];
        float[] labels = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
        }
        StepContext ctx = new StepContext(model.initParams(3), null, model.initBuffers(), new double[model.statsSize()]);
        ctx.exactGrads = new double[model.paramCount()];
        ctx.syncBatchNorm = true;
        double loss = model.newNetwork().lossAndGradient(ctx, x, labels, n, new SoftmaxCrossEntropy());
        double[] out = new double[ctx.exactGrads.length + ctx.stats.length + 1];
        System.arraycopy(ctx.exactGrads, 0, out, 0, ctx.exactGrads.length);
        System.arraycopy(ctx.stats, 0, out, ctx.exactGrads.length, ctx.stats.length);
        out[out.length - 1] = loss;
        return out;
    }

    @Test
    void aStepBesideTheWarmUpHasTheBitsOfAStepAlone() throws InterruptedException {
        Sequential model = model(32);
        double[] alone = exactStep(model, 16);
        KernelWarmUp warmUp = new KernelWarmUp(model, new SoftmaxCrossEntropy(), 16, true, true);
        Thread[] threads = new Thread[2];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(warmUp::run);
            threads[i].start();
        }
        int beside = 0;
        do {
            assertArrayEquals(alone, exactStep(model, 16), "a step while the warm-up runs on the same model");
            beside++;
        } while (threads[0].isAlive() && beside < 200);
        for (Thread t : threads) {
            t.join();
        }
        assertArrayEquals(alone, exactStep(model, 16), "a step after the warm-up");
    }

    @Test
    void runsUntilItsStepsStopGettingFaster() {
        int steps = new KernelWarmUp(model(16), new SoftmaxCrossEntropy(), 8, false, false).run();
        assertTrue(steps >= KernelWarmUp.STEADY_STEPS, "ran " + steps + " steps");
    }

    @Test
    void startsOncePerJvmForAModelBatchAndSums() throws InterruptedException {
        Sequential model = model(24);
        Thread first = new KernelWarmUp(model, new SoftmaxCrossEntropy(), 8, true, false).start();
        assertNotNull(first);
        assertTrue(first.isDaemon(), "a warm-up never holds the JVM open");
        assertNull(new KernelWarmUp(model, new SoftmaxCrossEntropy(), 8, true, false).start(), "the same warm-up again");
        Thread otherSums = new KernelWarmUp(model(24), new SoftmaxCrossEntropy(), 8, false, false).start();
        assertNotNull(otherSums, "float sums compile other kernels");
        first.join();
        otherSums.join();
    }

    @Test
    void aPartitionsShareOfTheBatchAtMostMaxRows() {
        KernelWarmUp quarter = KernelWarmUp.forPartitions(model(8), new SoftmaxCrossEntropy(), 130, 4, false, false);
        assertEquals(33, quarter.rows());
        assertEquals(KernelWarmUp.MAX_ROWS, KernelWarmUp.forPartitions(model(8), new SoftmaxCrossEntropy(), Integer.MAX_VALUE, 2, false, false).rows());
        assertThrows(IllegalArgumentException.class, () -> new KernelWarmUp(model(8), new SoftmaxCrossEntropy(), 0, false, false));
    }

    /** A loss that counts its calls and reports a real step beginning at the third. */
    private static final class RealStepAtTheThird implements Loss {
        private final Loss inner = new SoftmaxCrossEntropy();
        int calls;

        @Override
        public String name() {
            return "real step at the third";
        }

        @Override
        public int labelWidth(int k) {
            return inner.labelWidth(k);
        }

        @Override
        public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
            if (++calls == 3) {
                KernelWarmUp.stepBegins();
            }
            return inner.evaluate(out, labels, n, k, dOut);
        }
    }

    @Test
    void aRealStepBeginningStopsTheWarmUpAfterItsCurrentStep() {
        RealStepAtTheThird loss = new RealStepAtTheThird();
        assertEquals(3, new KernelWarmUp(model(16), loss, 8, false, false).run());
        assertEquals(3, loss.calls);
    }

    /** A sequence model's labels are one class per time step: the warm-up feeds it whole steps. */
    @Test
    void warmsUpASequenceModelWithAClassPerStep() {
        Sequential lstm = new Sequential(Shape.of(6, 3), List.of(new org.descent.nn.recurrent.Lstm(8, false), new Dense(4)));
        Loss perStep = SoftmaxCrossEntropy.perStep(6);
        assertEquals(6, perStep.labelWidth(lstm.outputShape().size()));
        assertTrue(new KernelWarmUp(lstm, perStep, 4, true, false).run() >= KernelWarmUp.STEADY_STEPS);
    }

    @Test
    void aModelItCannotFeedEndsTheWarmUpQuietly() {
        Loss refusing = new Loss() {
            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public int labelWidth(int k) {
                return 1;
            }

            @Override
            public double evaluate(float[] out, float[] labels, int n, int k, float[] dOut) {
                throw new AssertionError("an error, not an exception: it must not escape either");
            }
        };
        assertEquals(0, new KernelWarmUp(model(8), refusing, 4, false, false).run());
    }
}
