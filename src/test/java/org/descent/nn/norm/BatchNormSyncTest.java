package org.descent.nn.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.descent.nn.Kernel;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Synchronized batch norm over P workers equals plain batch norm over the concatenated batch, with
 * uneven shards; local (unsynchronized) batch norm does not.
 */
class BatchNormSyncTest {
    private record Result(float[] y, float[] dx, float[] grads, double[] stats) {
    }

    private static Result run(Shape in, float[] params, float[] x, float[] dy, int n, StepContext ctx) {
        Sequential model = new Sequential(in, List.of(new BatchNorm()));
        ctx.params = params;
        ctx.grads = new float[params.length];
        ctx.buffers = model.initBuffers();
        ctx.stats = new double[model.statsSize()];
        Kernel k = model.layers().get(0).kernel(in, model.slot(0));
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        k.forward(ctx, n, x, y);
        k.backward(ctx, n, x, y, dy.clone(), dx);
        return new Result(y, dx, ctx.grads, ctx.stats);
    }

    private static void check(Shape in, int[] shardSizes, boolean sync) throws Exception {
        check(in, shardSizes, sync, 3, 1, 0);
    }

    /**
     * Values {@code N(0, 1)·scale + offset + w·apart} on worker w: shards whose means lie apart make the merge's
     * between-worker term matter, a large offset its cancellation.
     */
    private static void check(Shape in, int[] shardSizes, boolean sync, double scale, double offset, double apart) throws Exception {
        int total = 0;
        for (int s : shardSizes) {
            total += s;
        }
        int d = in.size();
        Rng rng = new Rng(5);
        float[] x = new float[total * d];
        float[] dy = new float[total * d];
        for (int w = 0, i = 0; w < shardSizes.length; w++) {
            for (int end = i + shardSizes[w] * d; i < end; i++) {
                x[i] = (float) (rng.nextGaussian() * scale + offset + w * apart);
                dy[i] = (float) rng.nextGaussian();
            }
        }
        float[] params = new float[2 * in.channels()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) rng.nextGaussian() + (i < in.channels() ? 1f : 0f);
        }
        Result whole = run(in, params, x, dy, total, new StepContext());

        ThreadCollective collective = new ThreadCollective(shardSizes.length);
        ExecutorService pool = Executors.newFixedThreadPool(shardSizes.length);
        List<Future<Result>> parts = new ArrayList<>();
        int from = 0;
        for (int w = 0; w < shardSizes.length; w++) {
            int rank = w;
            int n = shardSizes[w];
            float[] xs = java.util.Arrays.copyOfRange(x, from * d, (from + n) * d);
            float[] dys = java.util.Arrays.copyOfRange(dy, from * d, (from + n) * d);
            parts.add(pool.submit(() -> {
                StepContext ctx = new StepContext();
                ctx.collective = collective.worker(rank);
                ctx.syncBatchNorm = sync;
                return run(in, params, xs, dys, n, ctx);
            }));
            from += n;
        }
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        float[] grads = new float[params.length];
        from = 0;
        for (int w = 0; w < shardSizes.length; w++) {
            Result r = parts.get(w).get();
            System.arraycopy(r.y(), 0, y, from * d, shardSizes[w] * d);
            System.arraycopy(r.dx(), 0, dx, from * d, shardSizes[w] * d);
            for (int i = 0; i < grads.length; i++) {
                grads[i] += r.grads()[i];
            }
            if (sync) {
                for (int i = 0; i < r.stats().length; i++) {
                    assertEquals(whole.stats()[i], r.stats()[i], 1e-9 * Math.max(1, Math.abs(whole.stats()[i])), "global statistics on every worker");
                }
            }
            from += shardSizes[w];
        }
        pool.shutdown();
        double worst = Math.max(worst(whole.y(), y), Math.max(worst(whole.dx(), dx), worst(whole.grads(), grads)));
        if (sync) {
            assertTrue(worst < 1e-5, in + " shards " + java.util.Arrays.toString(shardSizes) + ": relative error " + worst);
        } else {
            assertTrue(worst > 1e-3, "local batch norm should differ from the global one, error " + worst);
        }
    }

    private static double worst(float[] expected, float[] actual) {
        double w = 0;
        for (int i = 0; i < expected.length; i++) {
            w = Math.max(w, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
        }
        return w;
    }

    @Test
    void syncEqualsTheConcatenatedBatchWithUnevenShards() throws Exception {
        check(Shape.of(4), new int[] {3, 7}, true);
        check(Shape.of(4), new int[] {2, 5, 9}, true);
        check(Shape.of(3, 4, 4), new int[] {1, 4}, true);
        check(Shape.of(3, 4, 4), new int[] {2, 3, 6}, true);
    }

    /**
     * Float sums merge each worker's moments in one exchange: shards far apart (the between-worker term carries most of
     * the variance), a mean 1,000 standard deviations from zero (the merge cancels it in double), and an empty shard.
     */
    @Test
    void oneExchangeMergesShardsApartAndFarFromZero() throws Exception {
        check(Shape.of(4), new int[] {3, 7}, true, 1, 0, 50);
        check(Shape.of(3, 4, 4), new int[] {2, 3, 6}, true, 0.5, 0, 20);
        check(Shape.of(4), new int[] {6, 9}, true, 1, 1000, 0);
        check(Shape.of(3, 4, 4), new int[] {4, 5}, true, 1, 1000, 0.25);
        check(Shape.of(3, 4, 4), new int[] {0, 5, 3}, true, 2, 1, 3);
        check(Shape.of(4), new int[] {6, 0}, true, 2, 1, 3);
    }

    @Test
    void localStatisticsDifferFromTheGlobalOnes() throws Exception {
        check(Shape.of(4), new int[] {3, 7}, false);
        check(Shape.of(3, 4, 4), new int[] {2, 3, 6}, false);
    }
}
