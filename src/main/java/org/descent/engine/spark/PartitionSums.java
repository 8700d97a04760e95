package org.descent.engine.spark;

import java.util.Arrays;
import java.util.List;
import org.descent.nn.norm.MomentStats;

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
    private final double[] exactSum;
    private final double[] merged;

    PartitionSums(int paramCount, int statsSize, boolean exactSums, boolean syncBatchNorm) {
        this.syncBatchNorm = syncBatchNorm;
        this.gradSum = new float[paramCount];
        this.exactSum = exactSums ? new double[paramCount] : null;
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
        if (exactSum != null) {
            Arrays.fill(exactSum, from, to, 0);   // rounded into gradSum below, entry by entry
        } else {
            Arrays.fill(gradSum, from, to, 0f);
        }
        for (int p = 0; p < floats.length; p++) {
            if (exacts[p] != null) {
                add(exactSum, exacts[p], from, to - from);
            } else {
                add(gradSum, floats[p], from, to - from);
            }
        }
        if (exactSum != null) {
            for (int i = from; i < to; i++) {
                gradSum[i] = (float) exactSum[i];
            }
        }
        return gradSum;
    }

    static void add(double[] into, double[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    /** Adds {@code values[offset, offset+length)} into {@code into} at the same indices. */
    static void add(float[] into, float[] values, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            into[i] += values[i];
        }
    }

    static void add(double[] into, double[] values, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            into[i] += values[i];
        }
    }

    static void add(float[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }
}
