package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The two ways a convolution runs: a batch lowered into one product (float sums), and one product per example (exact
 * sums). They agree to rounding, evaluation in tiles matches training's whole batch, and the exact way's gradient is
 * the same bits however the batch is split.
 */
class ConvKernelTest {
    private static final Shape IN = Shape.of(3, 7, 6);
    private static final Conv2d CONV = new Conv2d(4, 3, 2, 2, 1);
    private static final Sequential MODEL = new Sequential(IN, List.of(CONV));
    private static final int OUT = MODEL.outputShape().size();

    private static float[] random(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Forward then backward of examples {@code from … from + n − 1}; returns {y, dx, grads (float, or exact as float)}. */
    private static Object[] run(boolean exact, Mode mode, float[] p, float[] x, float[] dy, int from, int n) {
        int in = IN.size();
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], new double[0]);
        ctx.mode = mode;
        if (exact) {
            ctx.exactGrads = new double[p.length];
        }
        Kernel k = CONV.kernel(IN, MODEL.slot(0));
        float[] xs = Arrays.copyOfRange(x, from * in, (from + n) * in);
        float[] y = new float[n * OUT];
        k.forward(ctx, n, xs, y);
        float[] dx = new float[n * in];
        k.backward(ctx, n, xs, y, Arrays.copyOfRange(dy, from * OUT, (from + n) * OUT), dx);
        return new Object[] {y, dx, ctx.grads, ctx.exactGrads};
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    @Test
    void theBatchsOneProductAgreesWithAProductPerExample() {
        int n = 9;
        float[] p = MODEL.initParams(3);
        float[] x = random(n * IN.size(), 5);
        float[] dy = random(n * OUT, 7);
        Object[] batch = run(false, Mode.TRAIN, p, x, dy, 0, n);
        Object[] perExample = run(true, Mode.TRAIN, p, x, dy, 0, n);
        assertClose((float[]) perExample[0], (float[]) batch[0], "outputs");
        assertClose((float[]) perExample[1], (float[]) batch[1], "input gradient");
        double[] exact = (double[]) perExample[3];
        float[] grads = (float[]) batch[2];
        for (int i = 0; i < p.length; i++) {
            assertEquals(exact[i], grads[i], 1e-5 * Math.max(1, Math.abs(exact[i])), "parameter " + i);
        }
    }

    @Test
    void evaluationInTilesGivesTheTrainingForwardsOutputs() {
        int n = 2 * ConvKernel.EVAL_TILE + 5;
        float[] p = MODEL.initParams(4);
        float[] x = random(n * IN.size(), 8);
        StepContext ctx = new StepContext(p, new float[p.length], new float[0], new double[0]);
        float[] train = new float[n * OUT];
        CONV.kernel(IN, MODEL.slot(0)).forward(ctx, n, x, train);
        ctx.mode = Mode.EVAL;
        float[] eval = new float[n * OUT];
        CONV.kernel(IN, MODEL.slot(0)).forward(ctx, n, x, eval);
        assertClose(train, eval, "evaluated outputs");
        // Backward after an evaluation forward (nothing kept) lowers the batch again and gives the same gradients.
        float[] dy = random(n * OUT, 9);
        Kernel k = CONV.kernel(IN, MODEL.slot(0));
        ctx.mode = Mode.EVAL;
        k.forward(ctx, n, x, eval);
        float[] dx = new float[x.length];
        k.backward(ctx, n, x, eval, dy, dx);
        Object[] trained = run(false, Mode.TRAIN, p, x, dy, 0, n);
        assertClose((float[]) trained[1], dx, "input gradient after an evaluation forward");
        assertClose((float[]) trained[2], ctx.grads, "weight gradient after an evaluation forward");
    }

    @Test
    void exactGradientsDoNotDependOnHowTheBatchIsSplit() {
        int n = 6;
        float[] p = MODEL.initParams(6);
        float[] x = random(n * IN.size(), 10);
        float[] dy = random(n * OUT, 11);
        Object[] whole = run(true, Mode.TRAIN, p, x, dy, 0, n);
        Object[] first = run(true, Mode.TRAIN, p, x, dy, 0, 2);
        Object[] rest = run(true, Mode.TRAIN, p, x, dy, 2, 4);
        double[] sum = ((double[]) first[3]).clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += ((double[]) rest[3])[i];
        }
        assertArrayEquals((double[]) whole[3], sum, "exact gradients of 6 examples and of 2 + 4");
        float[] y = (float[]) whole[0];
        assertArrayEquals(Arrays.copyOfRange(y, 2 * OUT, n * OUT), (float[]) rest[0], "an example's outputs do not depend on its batch");
    }
}
