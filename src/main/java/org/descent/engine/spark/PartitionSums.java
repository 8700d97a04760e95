package org.descent.engine.spark;

import java.util.Arrays;
import java.util.List;
import org.descent.nn.norm.MomentStats;
import org.descent.tensor.FloatArrays;

/**
 * The star's combination on the driver: every partition's result added up in partition order — a
 * fixed order, so a float32 run is deterministic for a given partitioning. Gradients are summed in
 * float32, or with exact sums ({@link org.descent.tensor.ExactSum}) in double on the grid and then
 * rounded once; batch-norm statistics are merged as (count, mean, M2) with {@link MomentStats}, or,
 * synchronized, taken from the first partition with examples (every partition holds the global
 * batch's). The buffers are reused from step to step.
 */
final class PartitionSums {
    private final boolean syncBatchNorm;
    private final float[] gradSum;
    /** Exact sums' scratch for {@link #CHUNK} entries. */
    private final double[] exactSum;
    /** Entries summed at a time, in a chunk that stays in the L1 cache. */
    static final int CHUNK = 2048;
    private final double[] merged;

    PartitionSums(int paramCount, int statsSize, boolean exactSums, boolean syncBatchNorm) {
        this.syncBatchNorm = syncBatchNorm;
        this.gradSum = new float[paramCount];
        this.exactSum = exactSums ? new double[CHUNK] : null;
        this.merged = new double[statsSize];
    }

    /** The step's total of {@code results} (in partition order); {@code sendNanos} is the driver's parameter send or the slowest fetch. */
    StepTotal combine(List<PartitionResult> results, long sendNanos) {
        long start = System.nanoTime();
        float[][] floats = new float[results.size()][];
        double[][] exacts = new double[results.size()][];
        for (int p = 0; p < floats.length; p++) {
            floats[p] = results.get(p).gradSum();
            exacts[p] = results.get(p).exactGradSum();
        }
        float[] gradient = sumRange(floats, exacts, 0, gradSum.length);
        return finish(results, sendNanos, gradient, start);
    }

    /**
     * The step's total of {@code results} whose gradients were summed already, range by range
     * ({@link #sumRange}, into {@code gradient}); {@code start} is when the combination began.
     */
    StepTotal finish(List<PartitionResult> results, long sendNanos, float[] gradient, long start) {
        double lossSum = 0;
        long count = 0;
        long fetch = sendNanos;
        long compute = 0;
        long sync = 0;
        Arrays.fill(merged, 0);
        boolean statsTaken = false;
        for (PartitionResult r : results) {
            lossSum += r.lossSum();
            count += r.count();
            fetch = Math.max(fetch, r.fetchNanos());
            compute = Math.max(compute, r.computeNanos() - r.syncNanos());
            sync = Math.max(sync, r.syncNanos());
            if (merged.length > 0 && r.count() > 0) {
                if (!syncBatchNorm) {
                    MomentStats.mergeAll(merged, r.stats());
                } else if (!statsTaken) {
                    System.arraycopy(r.stats(), 0, merged, 0, merged.length);
                    statsTaken = true;
                }
            }
        }
        return new StepTotal(gradient, lossSum, count, merged, fetch, compute, sync, System.nanoTime() - start);
    }

    /**
     * Entries {@code [from, to)} of the gradient summed over the partitions in partition order —
     * {@code floats[p]} a partition's float32 sum, or {@code exacts[p]} its exact one, whichever is
     * not null — and returns the array that holds them: a single float32 partial sum is the total
     * itself and is returned as it is; exact sums are added on the grid and rounded once. Summing the
     * whole at once or range by range gives the same bits (the same additions per entry).
     */
    float[] sumRange(float[][] floats, double[][] exacts, int from, int to) {
        if (exactSum == null && floats.length == 1) {
            return floats[0];
        }
        if (exactSum == null) {
            // A chunk at a time (it stays in the L1 cache while every partition's is added): 0 + the first partition's,
            // then each other's in partition order. One pass over the model-sized sum instead of a fill and one per partition.
            for (int start = from; start < to; start += CHUNK) {
                int length = Math.min(CHUNK, to - start);
                setToZeroPlus(gradSum, floats[0], start, length);
                for (int p = 1; p < floats.length; p++) {
                    add(gradSum, floats[p], start, length);
                }
            }
            return gradSum;
        }
        // Exact sums a chunk at a time in exactSum's first CHUNK entries (kept in the L1 cache): from +0, each
        // partition's added in partition order, then rounded once. One pass over the partitions' sums instead of four
        // over a double array of the model's size.
        for (int start = from; start < to; start += CHUNK) {
            int length = Math.min(CHUNK, to - start);
            Arrays.fill(exactSum, 0, length, 0);
            for (double[] e : exacts) {
                if (e != null) {
                    addToChunk(exactSum, e, start, length);
                }
            }
            FloatArrays.narrow(exactSum, 0, gradSum, start, length);
        }
        return gradSum;
    }

    static void add(double[] into, double[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    /**
     * Adds {@code values[offset, offset+length)} into {@code into} at the same indices: one IEEE addition an entry, on
     * the Vector API where the JVM has it ({@link FloatArrays#add}; C2 left this loop scalar, about 0.5 ns an entry).
     */
    static void add(float[] into, float[] values, int offset, int length) {
        FloatArrays.add(values, offset, into, offset, length);
    }

    static void add(double[] into, double[] values, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            into[i] += values[i];
        }
    }

    /**
     * {@code into[i] = 0 + values[i]} for i in {@code [offset, offset+length)}: the first term of a sum from +0 (−0
     * becomes +0), as +0 written and the values added (the chunk is in the L1 cache).
     */
    private static void setToZeroPlus(float[] into, float[] values, int offset, int length) {
        Arrays.fill(into, offset, offset + length, 0f);
        add(into, values, offset, length);
    }

    /** Adds {@code values[offset, offset+length)} into {@code into[0, length)}. */
    private static void addToChunk(double[] into, double[] values, int offset, int length) {
        for (int i = 0; i < length; i++) {
            into[i] += values[offset + i];
        }
    }

    static void add(float[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }
}
