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
        float[] gradient = gradient(results);
        return new StepTotal(gradient, lossSum, count, merged, fetch, compute, sync, System.nanoTime() - start);
    }

    /** The gradient summed in partition order; a single float32 partial sum is the total itself and is returned as it is. */
    private float[] gradient(List<PartitionResult> results) {
        if (exactSum == null && results.size() == 1) {
            return results.get(0).gradSum();
        }
        if (exactSum != null) {
            Arrays.fill(exactSum, 0);   // rounded into gradSum below, entry by entry
        } else {
            Arrays.fill(gradSum, 0f);
        }
        for (PartitionResult r : results) {
            if (r.exactGradSum() != null) {
                add(exactSum, r.exactGradSum());
            } else {
                add(gradSum, r.gradSum());
            }
        }
        if (exactSum != null) {
            for (int i = 0; i < gradSum.length; i++) {
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
