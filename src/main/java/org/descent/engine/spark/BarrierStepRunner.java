package org.descent.engine.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.engine.BatchPlan;
import org.descent.engine.EngineOptions;
import org.descent.loss.Loss;
import org.descent.nn.Sequential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * Many steps per Spark stage: one barrier stage over the cached blocks runs until the driver
 * pauses it (end of epoch, checkpoint, evaluation), and every step travels over the driver's
 * {@link StepService} instead of a new job — the driver sends the parameters, each task answers
 * with its gradient sum, loss sum, count and batch-norm statistics, and with synchronized batch
 * norm the driver also sums each layer's statistics across tasks (in partition order) inside the
 * step. Spark gang-schedules the tasks and relaunches the whole stage if one fails; the driver
 * then waits for the new attempt's tasks and re-sends the step it was on, so an interrupted step
 * is recomputed from the same parameters and nothing is applied twice. A task silent for longer
 * than the timeout fails the run with a message naming it. Tasks in the driver's JVM (local
 * masters) link in process unless the run asks for TCP: the same protocol without sockets.
 *
 * <p>Two exchanges ({@code engine.exchange}). The star: the driver sends the step to every task,
 * answers synchronized batch norm's reductions itself, and adds every task's result in partition
 * order ({@link PartitionSums}) — 2·W·P·4 bytes through the driver per step for W tasks and P
 * parameters. The tree: once an attempt's tasks have linked, the driver sends each its place in a
 * {@link Topology} (tasks of one executor under their leader, leaders in a tree over TCP), then sends
 * each step to the root only and receives one sum from it ({@link TreeNode}): about 2·P·4 bytes per step
 * whatever W, and batch norm's reductions never reach the driver. Every task keeps its link to the
 * driver, which sees a task go as it sees a socket close.
 */
final class BarrierStepRunner implements StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BarrierStepRunner.class);
    private static final long POLL_MILLIS = 200;

    private final JavaSparkContext sc;
    private final JavaRDD<Block> train;
    private final String runId;
    private final BatchPlan plan;
    private final Sequential model;
    private final Loss loss;
    private final boolean syncBatchNorm;
    private final boolean tree;
    private final EngineOptions engine;
    private final PartitionSums sums;
    private Topology topology;
    private final StepOptions options;
    private final long timeoutMillis;
    private final BarrierTask.Stall stall;
    private final StepService service;
    private final StepService.Connection[] current;
    private final List<StepService.Connection> early = new ArrayList<>();
    private final Wire wire = new Wire();
    private CompletableFuture<List<Long>> stage;
    /** The job tag of the running barrier stage, by which it is cancelled. */
    private String tag;
    private int attempt = -1;
    private int launches;

    /** Thrown inside a step when the stage attempt serving it is gone; the step is run again on the next attempt. */
    private static final class AttemptLost extends Exception {
        AttemptLost(String why) {
            super(why, null, false, false);
        }
    }

    BarrierStepRunner(JavaSparkContext sc, JavaRDD<Block> train, String runId, BatchPlan plan, Sequential model, Loss loss,
                      EngineOptions engine, EngineOptions.Exchange exchange, StepOptions options, BarrierTask.Stall stall,
                      java.util.function.Consumer<StepService> onService) {
        this.sc = sc;
        this.train = train;
        this.runId = runId;
        this.plan = plan;
        this.model = model;
        this.loss = loss;
        this.engine = engine;
        this.syncBatchNorm = engine.syncBatchNorm();
        this.tree = exchange == EngineOptions.Exchange.TREE;
        this.sums = new PartitionSums(model.paramCount(), model.statsSize(), options.exactSums(), syncBatchNorm);
        this.options = options;
        this.timeoutMillis = engine.timeoutSeconds() * 1000L;
        boolean inProcessLinks = engine.inProcessLinks();
        this.stall = stall;
        this.current = new StepService.Connection[plan.partitions()];
        try {
            this.service = new StepService(sc.getConf().get("spark.driver.host", "127.0.0.1"), inProcessLinks);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the barrier step service on the driver: " + e.getMessage(), e);
        }
        if (onService != null) {
            onService.accept(service);
        }
    }

    @Override
    public StepTotal step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step, SegmentSink sink) {
        SegmentSink segments = engine.overlapped() ? sink : null;
        try {
            while (true) {
                if (stage == null) {
                    launch(epoch, step);
                }
                try {
                    return tree ? runThroughTree(params, buffers, epoch, stepInEpoch, step, segments)
                            : runOnce(params, buffers, epoch, stepInEpoch, step, segments);
                } catch (AttemptLost e) {
                    if (segments != null) {
                        segments.abandon();   // the step is repeated from the parameters it started with
                    }
                    LOG.warn("Descent barrier stage attempt {} lost in step {} ({}); waiting for Spark's next attempt to repeat the step",
                            attempt, step, e.getMessage());
                    dropAttempt();
                    awaitAttempt(step);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in step " + step, e);
        }
    }

    private void launch(int epoch, long step) throws InterruptedException {
        tag = "descent-barrier-" + UUID.randomUUID();
        String run = JobLabels.run(sc);
        String description = JobLabels.label(run, "barrier stage serving the steps from epoch " + epoch + ", step " + step);
        BarrierTask task = new BarrierTask(service.address(), service.token(), runId, plan, model, loss, syncBatchNorm, options,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis), stall, ++launches, tree, engine.inProcessLinks(),
                engine.overlapped());
        JavaRDD<Long> served = JavaRDD.fromRDD(train.rdd().barrier().mapPartitions(task, false, ClassTag$.MODULE$.apply(Long.class)),
                ClassTag$.MODULE$.apply(Long.class));
        // A shuffle after the barrier stage makes it a map stage, which Spark relaunches as a whole when
        // a task fails; a failed barrier result stage would abort the job instead.
        JavaRDD<Long> total = served.mapToPair(n -> new scala.Tuple2<>(0, n)).reduceByKey(Long::sum, 1).values();
        String stageTag = tag;
        // The caller's job group and tags (a Spark ML fit inside a user's group, a run's group), so that cancelling them
        // cancels the stage too; the pool's threads do not inherit the driver thread's properties.
        String callerGroup = sc.getLocalProperty("spark.jobGroup.id");
        java.util.Set<String> tags = new java.util.LinkedHashSet<>(scala.jdk.javaapi.CollectionConverters.asJava(sc.sc().getJobTags()));
        tags.add(stageTag);
        stage = CompletableFuture.supplyAsync(() -> {
            sc.setJobGroup(callerGroup != null ? callerGroup : run != null ? run : stageTag, description, true);
            sc.setJobDescription(description);
            tags.forEach(sc::addJobTag);
            try {
                return total.collect();
            } finally {
                tags.forEach(sc::removeJobTag);
                sc.clearJobGroup();
            }
        });
        attempt = -1;
        awaitAttempt(step);
    }

    /**
     * Waits until every partition of one stage attempt (the newest seen) has connected; with the tree,
     * then tells each its place in it.
     */
    private void awaitAttempt(long step) throws InterruptedException {
        awaitConnections(step);
        if (tree) {
            int w = current.length;
            String[] executor = new String[w];
            String[] host = new String[w];
            int[] port = new int[w];
            for (int p = 0; p < w; p++) {
                executor[p] = current[p].executor;
                host[p] = current[p].peerHost;
                port[p] = current[p].peerPort;
            }
            topology = Topology.of(executor, host, port, engine.treeFanout());
            LOG.info("Descent barrier stage attempt {}: {}", attempt, topology);
            service.topologySent(topology);
            for (StepService.Connection c : current) {
                try {
                    c.sendTopology(topology);
                } catch (IOException e) {
                    LOG.warn("sending the topology to {} failed: {}", c, e.getMessage());   // the task's loss follows as an event
                }
            }
        }
    }

    /** The tree of the current attempt (null before one, or with the star). */
    Topology topology() {
        return topology;
    }

    @Override
    public long[] driverBytes() {
        return service.bytes();
    }

    private void awaitConnections(long step) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<StepService.Connection> pending = new ArrayList<>(early);
        early.clear();
        while (true) {
            int newest = pending.stream().mapToInt(c -> c.attempt).max().orElse(-1);
            if (newest > attempt) {
                long have = pending.stream().filter(c -> c.attempt == newest).map(c -> c.partition).distinct().count();
                if (have == plan.partitions()) {
                    for (StepService.Connection c : pending) {
                        if (c.attempt == newest) {
                            current[c.partition] = c;
                        } else {
                            c.close();
                        }
                    }
                    attempt = newest;
                    return;
                }
            }
            StepService.Event e = next(deadline, step, () -> "for all " + plan.partitions() + " tasks to connect");
            if (stale(e)) {
                continue;
            }
            if (e.kind() == StepService.Kind.CONNECTED) {
                pending.add(e.from());
            } else if (e.kind() == StepService.Kind.LOST) {
                // A task of this attempt ended before its first step: the barrier attempt is lost. Its other
                // tasks are told so, to free their slots for the attempt Spark launches next.
                int lost = e.from().attempt;
                pending.removeIf(c -> {
                    if (c.attempt != lost) {
                        return false;
                    }
                    c.close();
                    return true;
                });
            }
        }
    }

    /** The tree: the step to the root, which relays it; one result back, the whole step's total. */
    private StepTotal runThroughTree(float[] params, float[] buffers, int epoch, long stepInEpoch, long step, SegmentSink sink)
            throws InterruptedException, AttemptLost {
        long sendStart = System.nanoTime();
        StepService.Connection root = current[topology.root()];
        try {
            root.sendStep(new StepMessage(epoch, stepInEpoch, step, params, buffers, wire));
        } catch (IOException e) {
            throw new AttemptLost(root + ": " + e.getMessage());
        }
        long send = System.nanoTime() - sendStart;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int nextTo = model.paramCount();   // the root's streamed sum reaches the sink down to here
        if (sink != null) {
            sink.begin(batchSize(epoch, stepInEpoch));
        }
        while (true) {
            StepService.Event e = next(deadline, step, () -> "for the tree's sum from partition " + topology.root());
            if (stale(e)) {
                continue;
            }
            StepService.Connection from = e.from();
            if (e.kind() == StepService.Kind.CONNECTED) {
                early.add(from);
                if (from.attempt > attempt) {
                    throw new AttemptLost("stage attempt " + from.attempt + " started");
                }
                continue;
            }
            if (from.attempt != attempt || current[from.partition] != from) {
                continue;
            }
            if (e.kind() == StepService.Kind.LOST) {
                throw new AttemptLost(from + ": " + e.payload());
            }
            if ((e.kind() != StepService.Kind.RESULT && e.kind() != StepService.Kind.SEGMENT) || from != root) {
                throw new IllegalStateException(from + " sent the driver a " + e.kind() + " in step " + step + "; with the tree only the root answers");
            }
            if (e.kind() == StepService.Kind.SEGMENT) {
                StepService.Segment sg = ((StepService.Streamed) e.payload()).take();
                if (sg.step() != step || sg.floats() == null) {
                    throw new IllegalStateException(from + " streamed a gradient segment of step " + sg.step() + " in step " + step
                            + (sg.floats() == null ? " as exact doubles; the root rounds to float32" : ""));
                }
                nextTo = feed(sink, sg.floats(), sg.offset(), nextTo);
                continue;
            }
            StepService.StepResult r = (StepService.StepResult) e.payload();
            if (r.step() != step) {
                throw new IllegalStateException(from + " answered step " + r.step() + " while the driver is in step " + step);
            }
            PartitionResult total = r.result();
            if (total.gradSum() == null) {
                throw new IllegalStateException(from + " sent the tree's sum as exact doubles; the root rounds it to float32");
            }
            feed(sink, total.gradSum(), 0, nextTo);
            return new StepTotal(total.gradSum(), total.lossSum(), total.count(), total.stats(), send, total.computeNanos(), total.syncNanos(), 0);
        }
    }

    private StepTotal runOnce(float[] params, float[] buffers, int epoch, long stepInEpoch, long step, SegmentSink sink)
            throws InterruptedException, AttemptLost {
        long sendStart = System.nanoTime();
        StepMessage message = new StepMessage(epoch, stepInEpoch, step, params, buffers, wire);
        for (StepService.Connection c : current) {
            try {
                c.sendStep(message);
            } catch (IOException e) {
                throw new AttemptLost(c + ": " + e.getMessage());
            }
        }
        long send = System.nanoTime() - sendStart;
        boolean[] active = new boolean[plan.partitions()];
        int activeCount = 0;
        for (int p = 0; p < active.length; p++) {
            active[p] = plan.sliceLength(p, epoch, stepInEpoch) > 0;
            activeCount += active[p] ? 1 : 0;
        }
        PartitionResult[] results = new PartitionResult[plan.partitions()];
        double[][] reduce = new double[plan.partitions()][];
        int received = 0;
        int posted = 0;
        // With a sink, the gradient is summed segment by segment, the last first, as soon as every partition has sent a segment
        // (a streamed gradient is in place from readyFrom[p] on, a whole result from 0); the sink updates it meanwhile.
        int n = model.paramCount();
        float[][] floats = new float[plan.partitions()][];
        double[][] exacts = new double[plan.partitions()][];
        int[] readyFrom = new int[plan.partitions()];
        Arrays.fill(readyFrom, n);
        int nextTo = n;
        float[] gradient = null;
        long combineNanos = 0;
        if (sink != null) {
            sink.begin(batchSize(epoch, stepInEpoch));
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (received < results.length) {
            StepService.Event e = next(deadline, step, () -> "for partitions " + missing(results) + " to answer");
            if (stale(e)) {
                continue;
            }
            StepService.Connection from = e.from();
            if (e.kind() == StepService.Kind.CONNECTED) {
                early.add(from);
                if (from.attempt > attempt) {
                    throw new AttemptLost("stage attempt " + from.attempt + " started");
                }
                continue;
            }
            if (from.attempt != attempt || current[from.partition] != from) {
                continue;   // a message or loss from an attempt already given up
            }
            if (e.kind() == StepService.Kind.LOST) {
                throw new AttemptLost(from + ": " + e.payload());
            }
            deadline = System.currentTimeMillis() + timeoutMillis;
            if (e.kind() == StepService.Kind.REDUCE) {
                StepService.Reduce r = (StepService.Reduce) e.payload();
                if (r.step() != step || !active[from.partition] || reduce[from.partition] != null) {
                    throw new IllegalStateException(from + " sent an unexpected batch-norm exchange in step " + step);
                }
                reduce[from.partition] = r.values();
                if (++posted == activeCount) {
                    answerReduce(reduce, active);
                    Arrays.fill(reduce, null);
                    posted = 0;
                }
            } else if (e.kind() == StepService.Kind.SEGMENT) {
                StepService.Segment sg = ((StepService.Streamed) e.payload()).take();
                if (sg.step() != step || results[from.partition] != null) {
                    throw new IllegalStateException(from + " streamed a gradient segment of step " + sg.step() + " while the driver is in step " + step);
                }
                floats[from.partition] = sg.floats();
                exacts[from.partition] = sg.doubles();
                readyFrom[from.partition] = sg.offset();
            } else {
                StepService.StepResult r = (StepService.StepResult) e.payload();
                if (r.step() != step || results[from.partition] != null) {
                    throw new IllegalStateException(from + " answered step " + r.step() + " while the driver is in step " + step);
                }
                PartitionResult p = r.result();
                results[from.partition] = p;
                received++;
                floats[from.partition] = p.gradSum();
                exacts[from.partition] = p.exactGradSum();
                readyFrom[from.partition] = 0;
            }
            if (sink != null && e.kind() != StepService.Kind.REDUCE && !(received == results.length && nextTo == n)) {
                // Segments go to the sink while results are still missing; when the last result completes a gradient
                // none of whose segments went (every partition answered whole: tasks in process, or no streamed
                // segment overlapped), the driver updates it whole, which saves nothing for a rollback (the same bits).
                int complete = 0;   // every partition's gradient is in from here on
                for (int r : readyFrom) {
                    complete = Math.max(complete, r);
                }
                while (nextTo > 0 && Wire.segmentEndingAt(nextTo) >= complete) {
                    int lower = Wire.segmentEndingAt(nextTo);
                    long t = System.nanoTime();
                    gradient = sums.sumRange(floats, exacts, lower, nextTo);
                    combineNanos += System.nanoTime() - t;
                    sink.segment(gradient, lower, nextTo);
                    nextTo = lower;
                }
            }
        }
        if (sink == null || nextTo == n) {
            return sums.combine(Arrays.asList(results), send);
        }
        StepTotal total = sums.finish(Arrays.asList(results), send, gradient, System.nanoTime());
        return new StepTotal(total.gradient(), total.lossSum(), total.count(), total.stats(), total.sendNanos(), total.computeNanos(),
                total.syncNanos(), total.combineNanos() + combineNanos);
    }

    /** Hands {@code gradient}'s segments from {@code nextTo} down to {@code from} to the sink (if any); returns the new lower end. */
    private static int feed(SegmentSink sink, float[] gradient, int from, int nextTo) {
        if (sink == null) {
            return nextTo;
        }
        while (nextTo > from) {
            int lower = Wire.segmentEndingAt(nextTo);
            sink.segment(gradient, lower, nextTo);
            nextTo = lower;
        }
        return nextTo;
    }

    /** The global batch of the step: the examples of every partition's slice. */
    private long batchSize(int epoch, long stepInEpoch) {
        long count = 0;
        for (int p = 0; p < plan.partitions(); p++) {
            count += plan.sliceLength(p, epoch, stepInEpoch);
        }
        return count;
    }

    /** An event from a connection of an earlier stage of this run: closed and ignored. */
    private boolean stale(StepService.Event e) {
        if (e.from().launch == launches) {
            return false;
        }
        e.from().close();
        return true;
    }

    private static List<Integer> missing(PartitionResult[] results) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < results.length; p++) {
            if (results[p] == null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Sums the posted vectors in partition order and sends the sum to every active partition. */
    private void answerReduce(double[][] reduce, boolean[] active) throws AttemptLost {
        double[] sum = null;
        for (double[] v : reduce) {
            if (v == null) {
                continue;
            }
            if (sum == null) {
                sum = v.clone();
            } else {
                if (v.length != sum.length) {
                    throw new IllegalStateException("batch-norm exchange: partitions sent " + sum.length + " and " + v.length + " values");
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
            }
        }
        for (int p = 0; p < active.length; p++) {
            if (!active[p]) {
                continue;
            }
            StepService.Connection c = current[p];
            try {
                c.sendSum(sum);
            } catch (IOException e) {
                throw new AttemptLost(c + ": " + e.getMessage());
            }
        }
    }

    /**
     * The next event before {@code deadline}; fails the run when the stage itself failed (Spark
     * gave up retrying) or when nothing arrived in time.
     */
    private StepService.Event next(long deadline, long step, java.util.function.Supplier<String> what) throws InterruptedException {
        while (true) {
            StepService.Event e = service.poll(POLL_MILLIS);
            if (e != null) {
                return e;
            }
            if (stage.isDone()) {
                String why = "ended";
                try {
                    stage.get();
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : ex.getCause();
                    why = "failed: " + firstLine(cause);
                }
                abandon();
                throw new IllegalStateException("the barrier stage " + why + " (step " + step + ")");
            }
            if (System.currentTimeMillis() > deadline) {
                sc.cancelJobsWithTag(tag);
                abandon();
                throw new IllegalStateException("barrier mode: step " + step + " waited " + timeoutMillis / 1000 + " s " + what.get()
                        + "; the stage was cancelled (engine.timeoutSeconds)");
            }
        }
    }

    private static String firstLine(Throwable t) {
        String m = t == null ? "unknown" : String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Forgets a stage that failed or was cancelled, so that closing the runner does not report it again. */
    private void abandon() {
        dropAttempt();
        stage = null;
        attempt = -1;
    }

    private void dropAttempt() {
        for (int p = 0; p < current.length; p++) {
            if (current[p] != null) {
                current[p].close();
                current[p] = null;
            }
        }
    }

    /** Ends the running stage: every task is told to stop, and the stage's job must finish. */
    @Override
    public void pause() {
        if (stage == null) {
            return;
        }
        try {
            for (StepService.Connection c : current) {
                stop(c);
            }
            for (StepService.Connection c : early) {
                stop(c);
            }
            early.clear();
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (!stage.isDone()) {
                StepService.Event e = service.poll(POLL_MILLIS);
                if (e != null && e.kind() == StepService.Kind.CONNECTED && !stale(e)) {
                    stop(e.from());   // a relaunched attempt: it has nothing left to do
                }
                if (System.currentTimeMillis() > deadline) {
                    sc.cancelJobsWithTag(tag);
                    throw new IllegalStateException("barrier mode: the stage did not end within " + timeoutMillis / 1000 + " s of being told to stop");
                }
            }
            stage.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ending the barrier stage", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the barrier stage failed: " + firstLine(e.getCause()), e.getCause());
        } finally {
            dropAttempt();
            stage = null;
            attempt = -1;
        }
    }

    private void stop(StepService.Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.sendStop();
        } catch (IOException e) {
            LOG.debug("stop to {} failed: {}", c, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            pause();
        } finally {
            service.close();
        }
    }
}
