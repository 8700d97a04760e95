package org.descent.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * How the Spark engine runs a training step, decided once from the configuration ({@code engine.*},
 * {@code batchNorm.mode}) or from the Spark ML stages' Params, and read as typed values from there on.
 *
 * <ul>
 *   <li>{@link Mode}: one Spark job per step, one barrier stage serving many steps, or {@code auto} — a
 *       barrier stage when the cluster can hold one (a task slot per partition, dynamic allocation
 *       off), else job per step. Synchronized batch norm needs the barrier stage.</li>
 *   <li>{@link Transport}: a barrier task in the driver's JVM links in process ({@code auto}) or over
 *       TCP like an executor's ({@code tcp}).</li>
 *   <li>{@link Reduction}: float32 sums, or sums on the exact grid of {@link org.descent.tensor.ExactSum}
 *       that no partitioning changes; {@code auto} is resolved here ({@link #resolveReduction}).</li>
 *   <li>{@link Exchange}: the barrier stage's path between driver and tasks — a star (the driver sends
 *       the parameters to every task and receives every task's gradient) or a tree (the driver sends
 *       once to a root, parameters flow down and sums flow up through the tasks, and the tasks of an
 *       executor share one copy); {@code auto} picks the tree from {@link #TREE_FROM_EXECUTORS}
 *       executors, when an executor runs several tasks, and for synchronized batch norm with every task in
 *       the driver's JVM (in-process links): the star relays each of its exchanges through the driver's
 *       thread, a third thread to wake on every exchange, where the tree's leading task sums them itself
 *       (quickstart, exact sums, two partitions in {@code local[2]}: median steps 3.84 and 4.19 ms against
 *       4.22 and 4.48; fashion-cnn's epoch 38.5 s against 39.4, means of four).</li>
 * </ul>
 *
 * @param treeFanout children per inner node of the tree over executors (1: a pipelined chain)
 * @param timeoutSeconds a barrier task silent for this long fails the run
 * @param overlap a barrier task whose line up is TCP starts forward while the step's parameters still
 *                arrive and sends its gradient segment by segment while backward still runs, the last
 *                layers' first, and the driver updates each segment as its sum completes
 *                ({@code engine.overlap}); {@code auto} overlaps when executors run on other hosts than the
 *                driver's; the weights are the same bits either way
 */
public record EngineOptions(Mode mode, Transport transport, Reduction reduction, Exchange exchange, int treeFanout, int timeoutSeconds,
                            boolean syncBatchNorm, Overlap overlap) {
    /** The barrier timeout when nothing sets one ({@code engine.timeoutSeconds}' default). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;
    /** The tree's default fan-out over executors. */
    public static final int DEFAULT_TREE_FANOUT = 2;
    /**
     * {@code engine.exchange = auto} takes the tree from this many executor JVMs, or whenever an executor
     * runs several of the stage's tasks (they then share one copy). Measured (BENCHMARKS.md, "Scale-out"):
     * at 2 executors of one core the star and the tree trade places with the machine's noise; from 4 on the
     * tree's exchange is clearly shorter (8 vs 13 ms at 4, 12 vs 37 ms at 8 for 270k parameters).
     */
    public static final int TREE_FROM_EXECUTORS = 4;

    public enum Mode { AUTO, JOB, BARRIER }

    public enum Transport { AUTO, TCP }

    public enum Reduction { AUTO, FLOAT, EXACT }

    public enum Exchange { AUTO, STAR, TREE }

    /**
     * {@code engine.overlap}: on, off, or auto — on when some executor runs on another host than the
     * driver; off when every executor shares the driver's host, whose cores the transfers' copies would
     * take from the compute (measured on a 2-core machine: 0.5–1 ms more per quickstart step with one
     * executor JVM, 4 % less throughput for the CNN with two; BENCHMARKS.md, "Overlap").
     */
    public enum Overlap { AUTO, ON, OFF }

    public EngineOptions {
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("the barrier timeout must be positive, got " + timeoutSeconds);
        }
        if (treeFanout < 1) {
            throw new IllegalArgumentException("the tree's fan-out must be ≥ 1, got " + treeFanout);
        }
        if (reduction == Reduction.AUTO) {
            throw new IllegalArgumentException("resolve engine.reduction = auto first (EngineOptions.resolveReduction)");
        }
        if (syncBatchNorm && mode == Mode.JOB) {
            throw new IllegalArgumentException("batchNorm.mode = sync exchanges statistics inside a step and needs engine.mode = barrier (or auto)");
        }
    }

    /** The defaults of {@code engine.*}: auto mode, in-process links where possible, float sums, auto exchange, local batch norm. */
    public static EngineOptions defaults() {
        return new EngineOptions(Mode.AUTO, Transport.AUTO, Reduction.FLOAT, Exchange.AUTO, DEFAULT_TREE_FANOUT, DEFAULT_TIMEOUT_SECONDS, false, Overlap.AUTO);
    }

    public EngineOptions withMode(Mode m) {
        return new EngineOptions(m, transport, reduction, exchange, treeFanout, timeoutSeconds, syncBatchNorm, overlap);
    }

    public EngineOptions withTransport(Transport t) {
        return new EngineOptions(mode, t, reduction, exchange, treeFanout, timeoutSeconds, syncBatchNorm, overlap);
    }

    public EngineOptions withReduction(Reduction r) {
        return new EngineOptions(mode, transport, r, exchange, treeFanout, timeoutSeconds, syncBatchNorm, overlap);
    }

    public EngineOptions withExchange(Exchange e) {
        return new EngineOptions(mode, transport, reduction, e, treeFanout, timeoutSeconds, syncBatchNorm, overlap);
    }

    public EngineOptions withTreeFanout(int fanout) {
        return new EngineOptions(mode, transport, reduction, exchange, fanout, timeoutSeconds, syncBatchNorm, overlap);
    }

    public EngineOptions withTimeoutSeconds(int seconds) {
        return new EngineOptions(mode, transport, reduction, exchange, treeFanout, seconds, syncBatchNorm, overlap);
    }

    /** With synchronized batch norm, which also needs a barrier stage (job mode becomes an error). */
    public EngineOptions withSyncBatchNorm(boolean sync) {
        return new EngineOptions(mode, transport, reduction, exchange, treeFanout, timeoutSeconds, sync, overlap);
    }

    /** With {@code engine.overlap} as given. */
    public EngineOptions withOverlap(Overlap o) {
        return new EngineOptions(mode, transport, reduction, exchange, treeFanout, timeoutSeconds, syncBatchNorm, o);
    }

    /** With the exchange overlapped with the compute ({@code engine.overlap = on}) or not ({@code off}). */
    public EngineOptions withOverlap(boolean on) {
        return withOverlap(on ? Overlap.ON : Overlap.OFF);
    }

    /** True for {@code engine.overlap = on} (auto is resolved before a stage starts). */
    public boolean overlapped() {
        return overlap == Overlap.ON;
    }

    public boolean exactSums() {
        return reduction == Reduction.EXACT;
    }

    /** {@code engine.transport = auto}: a task in the driver's JVM links in process. */
    public boolean inProcessLinks() {
        return transport == Transport.AUTO;
    }

    /** The first dropout layer of {@code layers} (as its spec, e.g. {@code dropout(0.5)}): what exact sums cannot train. */
    public static Optional<String> firstDropout(java.util.List<? extends org.descent.nn.Layer> layers) {
        return layers.stream().filter(l -> l.type().equals("dropout")).map(Object::toString).findFirst();
    }

    /**
     * {@code engine.reduction} made concrete: {@code auto} is exact with synchronized batch norm (whose
     * point is equality with one process) unless the model has dropout, float otherwise; exact with
     * dropout is refused, naming the layer (its masks are drawn per partition).
     *
     * @param dropoutLayer the model's first dropout layer, if any
     */
    public static Reduction resolveReduction(Reduction requested, boolean syncBatchNorm, Optional<String> dropoutLayer) {
        if (requested == Reduction.AUTO) {
            return syncBatchNorm && dropoutLayer.isEmpty() ? Reduction.EXACT : Reduction.FLOAT;
        }
        if (requested == Reduction.EXACT && dropoutLayer.isPresent()) {
            throw new IllegalArgumentException("engine.reduction = exact cannot train " + dropoutLayer.get()
                    + " (its masks are drawn per partition); remove it or use engine.reduction = float");
        }
        return requested;
    }

    /** An enum constant from its configuration spelling ({@code "barrier"} → {@code BARRIER}). */
    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    }

    /** The configuration spelling of an enum constant ({@code BARRIER} → {@code "barrier"}). */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
