package org.descent.nn.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.nn.layers.AvgPool2d;
import org.descent.nn.layers.MaxPool2d;
import org.descent.nn.layers.ReLU;
import org.descent.nn.layers.Tanh;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Batch norm fused with ReLU and 2×2 max pooling gives, bit for bit, what the three layers' own kernels give one after
 * the other: pooled output, ∂L/∂x, ∂L/∂γ, ∂L/∂β and statistics, in training (local, exact, synchronized over two
 * workers) and evaluation, with odd planes, negative and zero γ, tied window maxima and −0 gradients.
 */
class BatchNormKernelTest {
    private static final List<Layer> POOLED_RELU = List.of(new ReLU(), new MaxPool2d(2, 2));

    private record Result(float[] y, float[] dx, float[] grads, double[] exactGrads, double[] stats) {
    }

    /** What one worker's batch gives; {@code fused} picks the fused kernel or the three layers' kernels. */
    private static Result run(Shape in, float[] params, float[] x, float[] dy, int n, StepContext ctx, boolean fused, boolean withDx) {
        return run(in, params, x, dy, n, ctx, fused ? fusedKernel(in) : null, withDx);
    }

    /** A fused kernel of its own for {@code in}, as {@link BatchNorm#kernelThrough} makes it. */
    private static Kernel fusedKernel(Shape in) {
        BatchNorm bn = new BatchNorm();
        return bn.kernelThrough(POOLED_RELU, in, new Sequential(in, List.of(bn)).slot(0));
    }

    /** {@link #run} through the given fused kernel (kept across calls by a caller), or the three layers' kernels for null. */
    private static Result run(Shape in, float[] params, float[] x, float[] dy, int n, StepContext ctx, Kernel fusedKernel, boolean withDx) {
        boolean fused = fusedKernel != null;
        BatchNorm bn = new BatchNorm();
        Sequential model = new Sequential(in, List.of(bn));
        Shape pooled = new MaxPool2d(2, 2).outputShape(in);
        ctx.params = params;
        ctx.grads = new float[params.length];
        ctx.buffers = model.initBuffers();
        for (int i = 0; i < ctx.buffers.length; i++) {
            ctx.buffers[i] = 0.5f + 0.25f * i;   // running statistics, for evaluation
        }
        ctx.stats = new double[model.statsSize()];
        float[] y = new float[n * pooled.size()];
        float[] dx = withDx ? new float[x.length] : null;
        if (fused) {
            Kernel k = fusedKernel;
            k.forward(ctx, n, x, y);
            k.backward(ctx, n, x, y, dy.clone(), dx);
        } else {
            Kernel norm = bn.kernel(in, model.slot(0));
            Kernel relu = new ReLU().kernel(in, null);
            Kernel pool = new MaxPool2d(2, 2).kernel(in, null);
            float[] normalized = new float[x.length];
            float[] rectified = new float[x.length];
            norm.forward(ctx, n, x, normalized);
            relu.forward(ctx, n, normalized, rectified);
            pool.forward(ctx, n, rectified, y);
            float[] dRectified = new float[x.length];
            float[] dNormalized = new float[x.length];
            pool.backward(ctx, n, rectified, y, dy.clone(), dRectified);
            relu.backward(ctx, n, normalized, rectified, dRectified, dNormalized);
            norm.backward(ctx, n, x, normalized, dNormalized, dx);
        }
        return new Result(y, dx, ctx.grads, ctx.exactGrads, ctx.stats);
    }

    private record Batch(float[] params, float[] x, float[] dy) {
    }

    /** Values on a coarse grid (tied maxima within windows), γ with a negative and a zero entry, dy with −0s. */
    private static Batch batch(Shape in, int n) {
        Rng rng = new Rng(7);
        float[] x = new float[n * in.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(rng.nextGaussian() * 4) / 4f + 1f;
        }
        float[] dy = new float[n * new MaxPool2d(2, 2).outputShape(in).size()];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i % 7 == 3 ? -0f : (float) rng.nextGaussian();
        }
        int c = in.channels();
        float[] params = new float[2 * c];
        for (int i = 0; i < c; i++) {
            params[i] = i == 0 ? -0.75f : i == 1 ? 0f : 1f + 0.5f * i;
            params[c + i] = 0.25f * i - 0.3f;
        }
        return new Batch(params, x, dy);
    }

    private static void assertSameBits(Result expected, Result actual, String what) {
        assertBits(expected.y(), actual.y(), what + ": output");
        if (expected.dx() != null) {
            assertBits(expected.dx(), actual.dx(), what + ": ∂L/∂x");
        }
        assertBits(expected.grads(), actual.grads(), what + ": ∂L/∂γ, ∂L/∂β");
        for (int i = 0; i < expected.stats().length; i++) {
            assertEquals(Double.doubleToLongBits(expected.stats()[i]), Double.doubleToLongBits(actual.stats()[i]), what + ": statistic " + i);
        }
        if (expected.exactGrads() != null) {
            for (int i = 0; i < expected.exactGrads().length; i++) {
                assertEquals(Double.doubleToLongBits(expected.exactGrads()[i]), Double.doubleToLongBits(actual.exactGrads()[i]),
                        what + ": exact gradient " + i);
            }
        }
    }

    /**
     * Same bits, with every NaN counted as one: a NaN's sign and payload depend on the operand order
     * the JIT chose for a commutative operation (x86 passes the first operand's NaN on), so they differ
     * between interpreted and compiled runs of the same code; −0 against +0 still fails.
     */
    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), what + " at " + i);
        }
    }

    /**
     * Planes whose pooling windows the vector loops take whole or in part: 3×3 windows stay below a vector's lanes (the
     * scalar loop), 5×5 fill one vector of 16 and leave the rest to the scalar tail (one of 8: three and a tail of 1).
     */
    private static final List<Shape> PLANES = List.of(Shape.of(3, 6, 6), Shape.of(2, 10, 11));

    /** One training step of the three layers ({@code [0]}) and of the fused kernel ({@code [1]}). */
    private static Result[] trainingStep(Shape in, Batch b, int n, boolean exact, boolean withDx) {
        Result[] r = new Result[2];
        for (int f = 0; f < 2; f++) {
            StepContext ctx = new StepContext();
            ctx.mode = Mode.TRAIN;
            ctx.exactGrads = exact ? new double[b.params().length] : null;
            r[f] = run(in, b.params(), b.x(), b.dy(), n, ctx, f == 1, withDx);
        }
        return r;
    }

    @Test
    void trainingGivesTheBitsOfTheThreeLayers() {
        for (Shape in : List.of(Shape.of(3, 6, 6), Shape.of(2, 5, 7), Shape.of(2, 10, 11))) {
            int n = 4;
            Batch b = batch(in, n);
            for (boolean exact : new boolean[] {false, true}) {
                for (boolean withDx : new boolean[] {true, false}) {
                    Result[] r = trainingStep(in, b, n, exact, withDx);
                    assertSameBits(r[0], r[1], in + (exact ? " exact" : " float") + (withDx ? "" : " without ∂L/∂x"));
                    assertTrue(nonZero(r[1].grads()) || nonZero(r[1].exactGrads()), "gradients were taken");
                }
            }
        }
    }

    /**
     * fashion-cnn's plane sizes, after the JIT has compiled the fused kernel's vector passes (normalizing straight from
     * x, pooling under ReLU's floor with the gradient's targets, ∂L/∂x written from the scratch rows): still the three
     * layers' bits, local and exact, with and without ∂L/∂x.
     */
    @Test
    void compiledKernelGivesTheBitsOfTheThreeLayers() {
        for (Shape in : List.of(Shape.of(2, 28, 28), Shape.of(3, 14, 14))) {
            int n = 3;
            Batch b = batch(in, n);
            for (int rep = 0; rep < 400; rep++) {
                boolean exact = rep % 4 == 1;
                boolean withDx = rep % 3 != 2;
                Result[] r = trainingStep(in, b, n, exact, withDx);
                assertSameBits(r[0], r[1], in + " step " + rep);
            }
        }
    }

    /**
     * One fused kernel kept across steps whose batch grows and shrinks (its scratch rows, targets and the dump slot
     * past the rows sized by the largest batch so far, the dump index by this one), training and evaluation in turn:
     * each step the three layers' bits.
     */
    @Test
    void oneKernelAcrossBatchSizesAndModesGivesTheBitsOfTheThreeLayers() {
        Shape in = Shape.of(2, 10, 11);
        Kernel k = fusedKernel(in);
        int step = 0;
        for (int n : new int[] {3, 5, 2, 5, 1, 4}) {
            Batch b = batch(in, n);
            for (Mode mode : new Mode[] {Mode.TRAIN, Mode.EVAL}) {
                Result[] r = new Result[2];
                for (int f = 0; f < 2; f++) {
                    StepContext ctx = new StepContext();
                    ctx.mode = mode;
                    r[f] = run(in, b.params(), b.x(), b.dy(), n, ctx, f == 1 ? k : null, true);
                }
                assertSameBits(r[0], r[1], "step " + step++ + ", batch " + n + ", " + mode);
            }
        }
    }

    /** A channel holding an infinity or a NaN takes the general pooling, whose NaNs are the three layers' too. */
    @Test
    void nonFiniteInputsGiveTheBitsOfTheThreeLayers() {
        for (Shape in : PLANES) {
            int n = 2;
            int spatial = in.dim(1) * in.dim(2);
            Batch b = batch(in, n);
            b.x()[spatial + 4] = Float.POSITIVE_INFINITY;    // channel 1 of example 0
            b.x()[(in.dim(0) - 1) * spatial + 5] = Float.NaN;   // the last channel of example 0
            for (Mode mode : new Mode[] {Mode.TRAIN, Mode.EVAL}) {
                Result[] r = new Result[2];
                for (int f = 0; f < 2; f++) {
                    StepContext ctx = new StepContext();
                    ctx.mode = mode;
                    r[f] = run(in, b.params(), b.x(), b.dy(), n, ctx, f == 1, true);
                }
                assertSameBits(r[0], r[1], in + " " + mode + ", non-finite inputs");
                boolean nan = false;
                for (float v : r[1].y()) {
                    nan |= Float.isNaN(v);
                }
                assertTrue(nan, in + " " + mode + ": the NaN reaches the output");
            }
        }
    }

    @Test
    void evaluationGivesTheBitsOfTheThreeLayers() {
        for (Shape in : PLANES) {
            int n = 3;
            Batch b = batch(in, n);
            Result[] r = new Result[2];
            for (int f = 0; f < 2; f++) {
                StepContext ctx = new StepContext();
                ctx.mode = Mode.EVAL;
                r[f] = run(in, b.params(), b.x(), b.dy(), n, ctx, f == 1, true);
            }
            assertSameBits(r[0], r[1], in + " evaluation");
            assertTrue(nonZero(r[1].dx()), "an input gradient was taken");
        }
    }

    /**
     * The fused kernel's evaluation forward keeps no argmax and its backward recomputes it: a training step on a smaller
     * batch first (whose argmax is too short and stale), then an evaluation forward and two backwards, each giving the
     * three layers' evaluation bits.
     */
    @Test
    void evaluationBackwardAfterATrainingStepAndTwiceGivesTheBitsOfTheThreeLayers() {
        Shape in = Shape.of(3, 6, 6);
        int n = 3;
        Batch b = batch(in, n);
        StepContext ctx = new StepContext();
        ctx.mode = Mode.EVAL;
        Result expected = run(in, b.params(), b.x(), b.dy(), n, ctx, false, true);

        BatchNorm bn = new BatchNorm();
        Sequential model = new Sequential(in, List.of(bn));
        Kernel k = bn.kernelThrough(POOLED_RELU, in, model.slot(0));
        int pooledSize = new MaxPool2d(2, 2).outputShape(in).size();
        StepContext train = new StepContext();
        train.mode = Mode.TRAIN;
        train.params = b.params();
        train.grads = new float[b.params().length];
        train.buffers = model.initBuffers();
        train.stats = new double[model.statsSize()];
        k.forward(train, 1, b.x(), new float[pooledSize]);
        k.backward(train, 1, b.x(), new float[pooledSize], new float[pooledSize], new float[in.size()]);

        StepContext eval = new StepContext();
        eval.mode = Mode.EVAL;
        eval.params = b.params();
        eval.buffers = ctx.buffers;
        eval.stats = new double[model.statsSize()];
        float[] y = new float[n * pooledSize];
        k.forward(eval, n, b.x(), y);
        for (int pass = 0; pass < 2; pass++) {
            eval.grads = new float[b.params().length];
            float[] dx = new float[b.x().length];
            k.backward(eval, n, b.x(), y, b.dy().clone(), dx);
            assertSameBits(expected, new Result(y, dx, eval.grads, null, eval.stats), "evaluation backward " + (pass + 1));
        }
    }

    /** Two workers with uneven shards, synchronized statistics, exact and float sums: each worker's results, fused and not. */
    @Test
    void synchronizedWorkersGiveTheBitsOfTheThreeLayers() throws Exception {
        for (Shape in : PLANES) {
            for (boolean exact : new boolean[] {true, false}) {
                synchronizedWorkers(in, exact);
            }
        }
    }

    private static void synchronizedWorkers(Shape in, boolean exact) throws Exception {
        int[] shards = {2, 5};
        Batch b = batch(in, 7);
        List<List<Result>> byKernel = new ArrayList<>();
        for (int f = 0; f < 2; f++) {
            boolean fused = f == 1;
            ThreadCollective collective = new ThreadCollective(shards.length);
            ExecutorService pool = Executors.newFixedThreadPool(shards.length);
            List<Future<Result>> parts = new ArrayList<>();
            int from = 0;
            int d = in.size();
            int pd = d / 4;
            for (int w = 0; w < shards.length; w++) {
                int rank = w;
                int n = shards[w];
                float[] xs = java.util.Arrays.copyOfRange(b.x(), from * d, (from + n) * d);
                float[] dys = java.util.Arrays.copyOfRange(b.dy(), from * pd, (from + n) * pd);
                parts.add(pool.submit(() -> {
                    StepContext ctx = new StepContext();
                    ctx.mode = Mode.TRAIN;
                    ctx.collective = collective.worker(rank);
                    ctx.syncBatchNorm = true;
                    ctx.exactGrads = exact ? new double[b.params().length] : null;
                    return run(in, b.params(), xs, dys, n, ctx, fused, true);
                }));
                from += n;
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> part : parts) {
                results.add(part.get());
            }
            pool.shutdown();
            byKernel.add(results);
        }
        for (int w = 0; w < shards.length; w++) {
            assertSameBits(byKernel.get(0).get(w), byKernel.get(1).get(w), in + (exact ? " exact" : " float") + ", worker " + w);
        }
    }

    @Test
    void fusesOnlyAReluThenTwoByTwoMaxPooling() {
        Shape map = Shape.of(2, 4, 4);
        Sequential model = new Sequential(map, List.of(new BatchNorm()));
        BatchNorm bn = new BatchNorm();
        assertNotNull(bn.kernelThrough(POOLED_RELU, map, model.slot(0)));
        assertNull(bn.kernelThrough(List.of(new Tanh(), new MaxPool2d(2, 2)), map, model.slot(0)));
        assertNull(bn.kernelThrough(List.of(new ReLU(), new MaxPool2d(3, 2)), map, model.slot(0)));
        assertNull(bn.kernelThrough(List.of(new ReLU(), new MaxPool2d(2, 1)), map, model.slot(0)));
        assertNull(bn.kernelThrough(List.of(new ReLU(), new AvgPool2d(2, 2)), map, model.slot(0)));
        assertNull(bn.kernelThrough(POOLED_RELU, Shape.of(8), model.slot(0)));
    }

    private static boolean nonZero(float[] a) {
        for (float v : a) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonZero(double[] a) {
        if (a == null) {
            return false;
        }
        for (double v : a) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A dense input (one value per channel and example), which the kernel walks row by row: every channel's sums add
     * its examples in order, by the expressions of a channel at a time — checked against that arithmetic written out,
     * in float and exact training and in evaluation, with −0 inputs and gradients and a channel count that is not a
     * whole number of vectors.
     */
    @Test
    void denseInputGivesEachChannelsArithmeticInExampleOrder() {
        int c = 19;
        int n = 5;
        double eps = 1e-5;
        Rng rng = new Rng(3);
        float[] x = new float[n * c];
        float[] dy = new float[n * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 9 == 4 ? -0f : (float) (rng.nextGaussian() * 3 + 0.5);
            dy[i] = i % 7 == 2 ? -0f : (float) rng.nextGaussian();
        }
        BatchNorm bn = new BatchNorm(eps, 0.1);
        Sequential model = new Sequential(Shape.of(c), List.of(bn));
        float[] params = new float[2 * c];
        for (int j = 0; j < c; j++) {
            params[j] = j == 3 ? 0f : 0.5f + 0.1f * j;
            params[c + j] = 0.2f * j - 1f;
        }
        for (boolean exact : new boolean[] {false, true}) {
            StepContext ctx = new StepContext(params, new float[params.length], model.initBuffers(), new double[model.statsSize()]);
            ctx.exactGrads = exact ? new double[params.length] : null;
            Kernel k = bn.kernel(Shape.of(c), model.slot(0));
            float[] y = new float[x.length];
            float[] dx = new float[x.length];
            k.forward(ctx, n, x, y);
            k.backward(ctx, n, x, y, dy, dx);
            String what = exact ? "exact" : "float";
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int e = 0; e < n; e++) {
                    sum += exact ? org.descent.tensor.ExactSum.q(x[e * c + ch]) : x[e * c + ch];
                }
                double mean = sum / n;
                double m2 = 0;
                for (int e = 0; e < n; e++) {
                    double d = x[e * c + ch] - mean;
                    m2 += exact ? org.descent.tensor.ExactSum.q(d * d) : d * d;
                }
                assertEquals(n, ctx.stats[3 * ch], what + ": count of channel " + ch);
                assertEquals(Double.doubleToRawLongBits(mean), Double.doubleToRawLongBits(ctx.stats[3 * ch + 1]), what + ": mean of channel " + ch);
                assertEquals(Double.doubleToRawLongBits(m2), Double.doubleToRawLongBits(ctx.stats[3 * ch + 2]), what + ": M2 of channel " + ch);
                float is = (float) (1.0 / Math.sqrt(m2 / n + eps));
                float mu = (float) mean;
                double sumG = 0;
                double sumGx = 0;
                float[] h = new float[n];
                for (int e = 0; e < n; e++) {
                    h[e] = (x[e * c + ch] - mu) * is;
                    assertBits(new float[] {params[ch] * h[e] + params[c + ch]}, new float[] {y[e * c + ch]}, what + ": y of example " + e + ", channel " + ch);
                    float g = dy[e * c + ch];
                    sumG += exact ? org.descent.tensor.ExactSum.q(g) : g;
                    sumGx += exact ? org.descent.tensor.ExactSum.q(g * h[e]) : g * h[e];
                }
                if (exact) {
                    assertEquals(Double.doubleToRawLongBits(sumGx), Double.doubleToRawLongBits(ctx.exactGrads[ch]), "exact ∂L/∂γ of channel " + ch);
                    assertEquals(Double.doubleToRawLongBits(sumG), Double.doubleToRawLongBits(ctx.exactGrads[c + ch]), "exact ∂L/∂β of channel " + ch);
                } else {
                    assertBits(new float[] {(float) sumGx, (float) sumG}, new float[] {ctx.grads[ch], ctx.grads[c + ch]}, "float ∂L/∂γ, ∂L/∂β of channel " + ch);
                }
                float meanG = (float) (sumG / n);
                float meanGx = (float) (sumGx / n);
                float scale = params[ch] * is;
                for (int e = 0; e < n; e++) {
                    float expected = scale * (dy[e * c + ch] - meanG - h[e] * meanGx);
                    assertBits(new float[] {expected}, new float[] {dx[e * c + ch]}, what + ": ∂L/∂x of example " + e + ", channel " + ch);
                }
            }
        }
        StepContext eval = new StepContext(params, new float[params.length], model.initBuffers(), new double[model.statsSize()]);
        for (int i = 0; i < eval.buffers.length; i++) {
            eval.buffers[i] = 0.5f + 0.25f * i;
        }
        eval.mode = Mode.EVAL;
        float[] y = new float[x.length];
        bn.kernel(Shape.of(c), model.slot(0)).forward(eval, n, x, y);
        for (int ch = 0; ch < c; ch++) {
            float is = (float) (1.0 / Math.sqrt(eval.buffers[c + ch] + eps));
            float scale = params[ch] * is;
            float shift = params[c + ch] - eval.buffers[ch] * scale;
            for (int e = 0; e < n; e++) {
                assertBits(new float[] {x[e * c + ch] * scale + shift}, new float[] {y[e * c + ch]}, "evaluation: y of example " + e + ", channel " + ch);
            }
        }
    }

    /** One dense-input worker's step: outputs, ∂L/∂x (or none), exact gradients, statistics. */
    private static Result denseStep(int c, float[] params, float[] x, float[] dy, int n, org.descent.nn.Collective collective, boolean withDx) {
        BatchNorm bn = new BatchNorm();
        Sequential model = new Sequential(Shape.of(c), List.of(bn));
        StepContext ctx = new StepContext(params, null, model.initBuffers(), new double[model.statsSize()]);
        ctx.exactGrads = new double[params.length];
        ctx.collective = collective;
        ctx.syncBatchNorm = true;
        Kernel k = bn.kernel(Shape.of(c), model.slot(0));
        float[] y = new float[n * c];
        float[] dx = withDx ? new float[n * c] : null;
        k.forward(ctx, n, x, y);
        k.backward(ctx, n, x, y, dy, dx);
        return new Result(y, dx, null, ctx.exactGrads, ctx.stats);
    }

    /**
     * A dense input synchronized over two workers with uneven shards and exact sums: each worker's outputs and ∂L/∂x are
     * one worker's over the whole batch, its statistics the global ones, and the workers' exact gradients add up to one
     * worker's; without ∂L/∂x the gradients are the same. Then evaluation's backward: ∂L/∂x = γ/σ · g.
     */
    @Test
    void denseInputSynchronizedOverTwoWorkersIsOneWorker() throws Exception {
        int c = 11;
        int[] shards = {2, 5};
        Rng rng = new Rng(5);
        float[] x = new float[7 * c];
        float[] dy = new float[7 * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * 2 - 0.5);
            dy[i] = (float) rng.nextGaussian();
        }
        float[] params = new float[2 * c];
        for (int j = 0; j < c; j++) {
            params[j] = 1f - 0.15f * j;
            params[c + j] = 0.1f * j;
        }
        Result whole = denseStep(c, params, x, dy, 7, org.descent.nn.Collective.LOCAL, true);
        for (boolean withDx : new boolean[] {true, false}) {
            ThreadCollective collective = new ThreadCollective(shards.length);
            ExecutorService pool = Executors.newFixedThreadPool(shards.length);
            List<Future<Result>> parts = new ArrayList<>();
            int from = 0;
            for (int w = 0; w < shards.length; w++) {
                int rank = w;
                int n = shards[w];
                float[] xs = java.util.Arrays.copyOfRange(x, from * c, (from + n) * c);
                float[] dys = java.util.Arrays.copyOfRange(dy, from * c, (from + n) * c);
                parts.add(pool.submit(() -> denseStep(c, params, xs, dys, n, collective.worker(rank), withDx)));
                from += n;
            }
            double[] summed = new double[params.length];
            from = 0;
            for (int w = 0; w < shards.length; w++) {
                Result r = parts.get(w).get();
                int n = shards[w];
                assertBits(java.util.Arrays.copyOfRange(whole.y(), from * c, (from + n) * c), r.y(), "worker " + w + ": output");
                if (withDx) {
                    assertBits(java.util.Arrays.copyOfRange(whole.dx(), from * c, (from + n) * c), r.dx(), "worker " + w + ": ∂L/∂x");
                }
                for (int i = 0; i < r.stats().length; i++) {
                    assertEquals(Double.doubleToLongBits(whole.stats()[i]), Double.doubleToLongBits(r.stats()[i]), "worker " + w + ": statistic " + i);
                }
                for (int i = 0; i < summed.length; i++) {
                    summed[i] += r.exactGrads()[i];
                }
                from += n;
            }
            pool.shutdown();
            for (int i = 0; i < summed.length; i++) {
                assertEquals(Double.doubleToLongBits(whole.exactGrads()[i]), Double.doubleToLongBits(summed[i]),
                        (withDx ? "" : "without ∂L/∂x: ") + "exact gradient " + i);
            }
        }
        BatchNorm bn = new BatchNorm();
        Sequential model = new Sequential(Shape.of(c), List.of(bn));
        StepContext eval = new StepContext(params, new float[params.length], model.initBuffers(), new double[model.statsSize()]);
        eval.mode = Mode.EVAL;
        Kernel k = bn.kernel(Shape.of(c), model.slot(0));
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        k.forward(eval, 7, x, y);
        k.backward(eval, 7, x, y, dy, dx);
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            float is = (float) (1.0 / Math.sqrt(eval.buffers[c + ch] + 1e-5));
            assertBits(new float[] {dy[i] * (params[ch] * is)}, new float[] {dx[i]}, "evaluation: ∂L/∂x at " + i);
        }
    }
}
