package org.descent.engine;

import java.io.Serializable;
import org.descent.tensor.Rng;

/**
 * Which examples form each step's global mini-batch, for data split into partitions of sizes
 * {@code n_p} (N in all). Every epoch each partition walks its own permutation, drawn from
 * (seed, epoch, partition); the global batch B is split across partitions in proportion to their
 * sizes, so that after step s (1-based) partition p has used
 * {@code c_p(s) = ⌊n_p · min(N, sB) / N⌋} examples and every example is used exactly once per epoch.
 * With {@code dropLast} an epoch has ⌊N/B⌋ steps and the final partial batch is skipped; otherwise
 * ⌈N/B⌉. The seed's regimes are B = N (batch), 1 &lt; B &lt; N (mini-batch) and B = 1 (stochastic).
 * Pure and cheap: the driver and every executor compute the same plan.
 */
public final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] sizes;
    private final long total;
    private final long batchSize;
    private final boolean dropLast;
    private final long seed;

    public BatchPlan(long[] partitionSizes, long batchSize, boolean dropLast, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.sizes = partitionSizes.clone();
        long t = 0;
        for (long s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("negative partition size " + s);
            }
            t += s;
        }
        if (t == 0) {
            throw new IllegalArgumentException("the training data is empty");
        }
        this.total = t;
        this.batchSize = Math.min(batchSize, t);
        this.dropLast = dropLast;
        this.seed = seed;
    }

    public int partitions() {
        return sizes.length;
    }

    public long partitionSize(int p) {
        return sizes[p];
    }

    public long total() {
        return total;
    }

    public long batchSize() {
        return batchSize;
    }

    public long stepsPerEpoch() {
        return dropLast ? total / batchSize : (total + batchSize - 1) / batchSize;
    }

    /** Examples of partition p used after {@code stepInEpoch} steps of an epoch. */
    public long consumed(int p, long stepInEpoch) {
        long used = Math.min(total, stepInEpoch * batchSize);
        return Math.floorDiv(sizes[p] * used, total);   // sizes·used fits in a long for any realistic N
    }

    /** First position (in partition p's permutation) of step {@code stepInEpoch}'s slice. */
    public long sliceStart(int p, long stepInEpoch) {
        return consumed(p, stepInEpoch);
    }

    /** Number of partition p's examples in step {@code stepInEpoch}'s global batch. */
    public int sliceLength(int p, long stepInEpoch) {
        return (int) (consumed(p, stepInEpoch + 1) - consumed(p, stepInEpoch));
    }

    /** Partition p's order of its examples in {@code epoch}. */
    public int[] permutation(int p, long epoch) {
        int[] order = new int[Math.toIntExact(sizes[p])];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new Rng(Rng.derive(seed, 1, epoch, p)).shuffle(order);
        return order;
    }

    /** The random seed of one partition's forward/backward in one step (dropout masks). */
    public long stepSeed(long epoch, long step, int p) {
        return Rng.derive(seed, 2, epoch, step, p);
    }
}
