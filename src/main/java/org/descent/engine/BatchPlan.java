package org.descent.engine;

import java.io.Serializable;
import java.util.Arrays;
import org.descent.tensor.Rng;

/**
 * Which examples form each step's global mini-batch, for data split into partitions of sizes
 * {@code n_p} (N in all, partition p holding the examples numbered {@code o_p … o_p + n_p − 1},
 * {@code o_p = Σ_{q<p} n_q}). Every example is used exactly once per epoch. With {@code dropLast}
 * an epoch has ⌊N/B⌋ steps and the final partial batch is skipped; otherwise ⌈N/B⌉. The optimization deck's
 * regimes are B = N (batch), 1 &lt; B &lt; N (mini-batch) and B = 1 (stochastic).
 *
 * <p>Two ways to walk an epoch ({@link Shuffle}):
 * <ul>
 *   <li>{@code PARTITION}: each partition walks its own permutation, drawn from (seed, epoch,
 *       partition), and the global batch is split across partitions in proportion to their sizes:
 *       after step s (1-based) partition p has used {@code c_p(s) = ⌊n_p · min(N, sB) / N⌋}
 *       examples (each step has between B − P + 1 and B examples, so B ≥ P is required).
 *       Nothing but the sizes is needed, and every step's load is balanced.</li>
 *   <li>{@code GLOBAL}: one permutation π of all N examples, drawn from (seed, epoch); step s's
 *       global batch is {π(sB), …, π(sB + B − 1)} and each partition takes the ones it holds, in
 *       that order. The batches do not depend on the partitioning at all, so with synchronized
 *       batch norm a run over any number of partitions follows the single-process run (up to
 *       rounding); per-partition counts vary from step to step.</li>
 * </ul>
 * The driver and every executor compute the same plan; the global walk is computed once per epoch
 * and kept ({@code O(N)} integers).
 */
public final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 2L;

    /** How an epoch's examples are ordered: per partition, or one permutation over all partitions. */
    public enum Shuffle {
        PARTITION, GLOBAL;

        /**
         * {@code training.shuffle = auto}: the global walk where the per-partition one cannot serve — exact
         * sums ({@code engine.reduction = exact}, auto's choice with synchronized batch norm), whose weights are
         * to be the same bits over any partitioning and so need batches that do not depend on it, and batches
         * smaller than the number of partitions (the stochastic regime) — else the per-partition walk, whose
         * steps give every partition its proportional share. The global walk's shares vary from step to step
         * (binomially: 128 examples over two partitions split 64 ± 5.7), and in barrier mode every step waits
         * for the partition with the most: fashion-cnn in {@code local[2]} with float sums waited 7.0 ms of a
         * 74 ms step at synchronized batch norm's exchanges, 2.3–3.8 ms with the per-partition walk. With float
         * sums the weights depend on the partitioning anyway. The {@code train} command and the Spark ML
         * estimators both ask here.
         */
        public static Shuffle auto(boolean exactSums, long batchSize, int partitions) {
            return exactSums || batchSize < partitions ? GLOBAL : PARTITION;
        }
    }

    private final long[] sizes;
    private final long[] offsets;
    private final long total;
    private final long batchSize;
    private final boolean dropLast;
    private final long seed;
    private final Shuffle shuffle;
    private transient EpochWalk walk;

    public BatchPlan(long[] partitionSizes, long batchSize, boolean dropLast, long seed) {
        this(partitionSizes, batchSize, dropLast, seed, Shuffle.PARTITION);
    }

    public BatchPlan(long[] partitionSizes, long batchSize, boolean dropLast, long seed, Shuffle shuffle) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.sizes = partitionSizes.clone();
        this.offsets = new long[sizes.length + 1];
        long t = 0;
        for (int p = 0; p < sizes.length; p++) {
            if (sizes[p] < 0) {
                throw new IllegalArgumentException("negative partition size " + sizes[p]);
            }
            offsets[p] = t;
            t += sizes[p];
        }
        offsets[sizes.length] = t;
        if (t == 0) {
            throw new IllegalArgumentException("the training data is empty");
        }
        if (shuffle == Shuffle.GLOBAL && t > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a global shuffle handles at most 2^31 - 1 examples, got " + t);
        }
        this.total = t;
        this.batchSize = Math.min(batchSize, t);
        long nonEmpty = Arrays.stream(sizes).filter(n -> n > 0).count();
        if (shuffle == Shuffle.PARTITION && this.batchSize < nonEmpty) {
            throw new IllegalArgumentException("a batch of " + this.batchSize + " cannot be split in proportion across " + nonEmpty
                    + " partitions (some steps would be empty): use the global walk (training.shuffle = global) or fewer partitions");
        }
        this.dropLast = dropLast;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    /** Index of partition p's first example in the data ({@code o_p}). */
    public long offset(int p) {
        return offsets[p];
    }

    /** The run's seed. */
    public long seed() {
        return seed;
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

    public Shuffle shuffle() {
        return shuffle;
    }

    public long stepsPerEpoch() {
        return dropLast ? total / batchSize : (total + batchSize - 1) / batchSize;
    }

    /** Examples of partition p used in {@code epoch} before step {@code stepInEpoch}. */
    public long consumed(int p, long epoch, long stepInEpoch) {
        if (shuffle == Shuffle.GLOBAL) {
            return walk(epoch).used[p][(int) Math.min(stepInEpoch, stepsPerEpoch())];
        }
        long used = Math.min(total, stepInEpoch * batchSize);
        return Math.floorDiv(sizes[p] * used, total);   // sizes·used fits in a long for any realistic N
    }

    /** First position (in partition p's {@link #permutation order}) of step {@code stepInEpoch}'s slice. */
    public long sliceStart(int p, long epoch, long stepInEpoch) {
        return consumed(p, epoch, stepInEpoch);
    }

    /** Number of partition p's examples in step {@code stepInEpoch}'s global batch. */
    public int sliceLength(int p, long epoch, long stepInEpoch) {
        return (int) (consumed(p, epoch, stepInEpoch + 1) - consumed(p, epoch, stepInEpoch));
    }

    /** Partitions with at least one example in the step. */
    public int activePartitions(long epoch, long stepInEpoch) {
        int n = 0;
        for (int p = 0; p < sizes.length; p++) {
            n += sliceLength(p, epoch, stepInEpoch) > 0 ? 1 : 0;
        }
        return n;
    }

    /** Partition p's order of its (local) examples in {@code epoch}. */
    public int[] permutation(int p, long epoch) {
        if (shuffle == Shuffle.GLOBAL) {
            return walk(epoch).order[p].clone();
        }
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

    /** The global walk of one epoch: each partition's local order and its examples used before each step. */
    private static final class EpochWalk {
        final long epoch;
        final int[][] order;
        final long[][] used;

        EpochWalk(long epoch, int[][] order, long[][] used) {
            this.epoch = epoch;
            this.order = order;
            this.used = used;
        }
    }

    private synchronized EpochWalk walk(long epoch) {
        if (walk != null && walk.epoch == epoch) {
            return walk;
        }
        int n = (int) total;
        int[] pi = new int[n];
        for (int i = 0; i < n; i++) {
            pi[i] = i;
        }
        new Rng(Rng.derive(seed, 4, epoch)).shuffle(pi);
        int parts = sizes.length;
        int steps = (int) stepsPerEpoch();
        int[][] order = new int[parts][];
        long[][] used = new long[parts][steps + 1];
        int[] filled = new int[parts];
        for (int p = 0; p < parts; p++) {
            order[p] = new int[(int) sizes[p]];
        }
        for (int i = 0; i < n; i++) {
            int p = partitionOf(pi[i]);
            order[p][filled[p]++] = (int) (pi[i] - offsets[p]);
            long step = i / batchSize;
            if (step < steps) {
                used[p][(int) step + 1]++;
            }
        }
        for (int p = 0; p < parts; p++) {
            for (int s = 1; s <= steps; s++) {
                used[p][s] += used[p][s - 1];
            }
        }
        walk = new EpochWalk(epoch, order, used);
        return walk;
    }

    private int partitionOf(long example) {
        int i = Arrays.binarySearch(offsets, example);
        if (i >= 0) {
            while (i + 1 < offsets.length && offsets[i + 1] == example) {
                i++;   // skip empty partitions starting at the same offset
            }
            return i;
        }
        return -i - 2;
    }
}
