package org.descent.engine.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.descent.engine.BatchPlan;
import org.descent.loss.Loss;
import org.descent.nn.Collective;
import org.descent.nn.Sequential;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The executor's side of a barrier stage: link to the driver's {@link StepService} (in process
 * when the task runs in the driver's JVM, else over TCP presenting the token), then serve steps until
 * told to stop — read the parameters, compute this partition's slice ({@link PartitionWorker}, the same
 * code as the job-per-step mode), send the result. With the tree exchange the task first learns its
 * place in the tree from the driver and links to its parent and children ({@link TreeNode}); steps
 * then come from its parent and its subtree's sum goes back to it. The task
 * holds no training state of its own: the driver says which step to run, so a relaunched stage
 * simply continues where the driver is.
 */
final class BarrierTask extends AbstractFunction1<Iterator<Block>, Iterator<Long>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String host;
    private final int port;
    private final String token;
    private final String runId;
    private final BatchPlan plan;
    private final Sequential model;
    private final Loss loss;
    private final boolean syncBatchNorm;
    private final StepOptions options;
    private final int timeoutMillis;
    private final Stall stall;
    private final int launch;
    private final boolean tree;
    private final boolean inProcessLinks;
    private final boolean overlap;

    /**
     * Test hook: partition {@code partition} stops answering (or, with {@code crash}, fails) at global
     * step {@code step} in stage attempt 0; a negative step with {@code crash} fails before linking. With
     * {@code afterGradient} it fails a second after it has sent the step's gradient (streamed with
     * {@code engine.overlap}), before its result: the driver has every segment and may have updated them.
     */
    record Stall(int partition, long step, boolean crash, boolean afterGradient) implements Serializable {
    }

    BarrierTask(java.net.InetSocketAddress driver, String token, String runId, BatchPlan plan, Sequential model, Loss loss,
                boolean syncBatchNorm, StepOptions options, int timeoutMillis, Stall stall, int launch, boolean tree, boolean inProcessLinks,
                boolean overlap) {
        this.host = driver.getHostString();
        this.port = driver.getPort();
        this.token = token;
        this.runId = runId;
        this.plan = plan;
        this.model = model;
        this.loss = loss;
        this.syncBatchNorm = syncBatchNorm;
        this.options = options;
        this.timeoutMillis = timeoutMillis;
        this.stall = stall;
        this.launch = launch;
        this.tree = tree;
        this.inProcessLinks = inProcessLinks;
        this.overlap = overlap;
    }

    @Override
    public Iterator<Long> apply(Iterator<Block> blocks) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int partition = context.partitionId();
        Block block = blocks.hasNext() ? blocks.next() : null;
        // One worker per stage attempt: a task of a failed attempt may still be finishing its step
        // (Spark does not interrupt it) while the relaunched task of the same partition starts.
        PartitionWorker worker = ExecutorCache.get(runId + "/attempt-" + context.stageAttemptNumber(), partition, () -> new PartitionWorker(model));
        if (stall != null && stall.partition() == partition && stall.step() < 0 && context.stageAttemptNumber() == 0) {
            try {
                Thread.sleep(2_000);   // the other tasks link and wait for their first step meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("partition " + partition + " crashed before linking (test hook)");
        }
        long served = 0;
        int attempt = context.stageAttemptNumber();
        // Tasks of one executor JVM share a tree node's copy; with engine.transport = tcp every task is its own group.
        String executor = org.apache.spark.SparkEnv.get().executorId() + (inProcessLinks ? "" : "#" + partition);
        boolean inDriverJvm = inProcessLinks && StepService.runsHere(token);
        try (PeerServer server = tree && !inDriverJvm ? new PeerServer(peerHost(), token) : null;
             DriverLink link = link(partition, attempt, context::killTaskIfInterrupted, executor, server == null ? -1 : server.port())) {
            if (tree) {
                Topology topology = link.awaitTopology();
                TreeNode.Identity id = new TreeNode.Identity(token, attempt, launch, executor, timeoutMillis, context::killTaskIfInterrupted);
                try (TreeNode node = TreeNode.link(partition, topology, plan, link, server, id, syncBatchNorm, model.statsSize(), overlap)) {
                    if (overlap && node.up() instanceof TcpDriverLink up) {
                        up.receiveInBackground();   // forward starts while the step still arrives (and is relayed on)
                    }
                    try {
                        for (StepMessage m = node.next(); m != null; m = node.next()) {
                            stallIfAsked(partition, m.step, attempt);
                            worker.exactSumsLeftZero(node.finish(compute(worker, partition, block, m,
                                    node.collective(plan.activePartitions(m.epoch, m.stepInEpoch)), node.progress())));
                            served++;
                        }
                    } finally {
                        if (node.up() != link) {
                            node.up().close();
                        }
                    }
                }
            } else {
                // Over TCP the gradient leaves while backward runs (engine.overlap); in process it passes by reference anyway.
                GradientStreamer streamer = overlap && link instanceof TcpDriverLink tcp ? new GradientStreamer(tcp, false) : null;
                if (streamer != null) {
                    ((TcpDriverLink) link).receiveInBackground();   // and forward starts while the step still arrives
                }
                for (StepMessage m = link.next(); m != null; m = link.next()) {
                    stallIfAsked(partition, m.step, attempt);
                    PartitionResult r = compute(worker, partition, block, m, new DriverCollective(link, m.step, plan.activePartitions(m.epoch, m.stepInEpoch)),
                            streamer == null ? null : streamer.begin(m.step));
                    crashAfterGradientIfAsked(partition, m.step, attempt);
                    if (streamer != null) {
                        ((TcpDriverLink) link).sendResult(m.step, r, streamer);
                    } else {
                        link.sendResult(m.step, r);
                    }
                    served++;
                }
            }
        } catch (IOException e) {
            throw wentAway(partition, e);
        } catch (java.io.UncheckedIOException e) {   // a streamed gradient's send, from inside backward
            throw wentAway(partition, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("partition " + partition + " interrupted", e);
        }
        return CollectionConverters.asScala(List.of(served).iterator());
    }

    private java.io.UncheckedIOException wentAway(int partition, IOException e) {
        return new java.io.UncheckedIOException("partition " + partition + ": the driver's step service at " + host + ":" + port
                + (tree ? " or a peer in the tree" : "") + " went away: " + e.getMessage(), e);
    }

    private PartitionResult compute(PartitionWorker worker, int partition, Block block, StepMessage m, Collective collective,
                                    org.descent.nn.GradientProgress progress) {
        return block == null
                ? PartitionResult.empty(partition, model.paramCount(), model.statsSize(), options.exactSums())
                : worker.step(partition, block, plan, new StepState(m.params, m.buffers), loss, m.epoch, m.stepInEpoch, m.step, collective,
                        syncBatchNorm, options, progress, m.arrival);
    }

    /** The test hook: stop answering, or fail, at the given step of stage attempt 0. */
    private void stallIfAsked(int partition, long step, int attempt) throws InterruptedException {
        if (stall != null && !stall.afterGradient() && stall.partition() == partition && stall.step() == step && attempt == 0) {
            if (stall.crash()) {
                throw new IllegalStateException("partition " + partition + " crashed in step " + step + " (test hook)");
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The test hook: fail a second after the step's gradient has gone, before the result. */
    private void crashAfterGradientIfAsked(int partition, long step, int attempt) throws InterruptedException {
        if (stall != null && stall.afterGradient() && stall.partition() == partition && stall.step() == step && attempt == 0) {
            Thread.sleep(1_000);   // the other tasks' segments and results reach the driver first
            throw new IllegalStateException("partition " + partition + " crashed after sending step " + step + "'s gradient (test hook)");
        }
    }

    /** The address this executor's block manager serves on: where its peers in the tree reach it. */
    private static String peerHost() {
        return org.apache.spark.SparkEnv.get().blockManager().blockManagerId().host();
    }

    /** In process when the driver's step service runs in this JVM and allows it, else over TCP. */
    private DriverLink link(int partition, int attempt, Runnable checkKilled, String executor, int peerPort) throws IOException {
        DriverLink local = StepService.linkInProcess(token, partition, attempt, launch, timeoutMillis, checkKilled, executor);
        return local != null ? local : new TcpDriverLink(host, port, token, partition, attempt, launch, timeoutMillis, checkKilled, executor, peerPort);
    }

    /** Synchronized batch norm's sums, through the driver: send this partition's values, block for the sum over all active partitions. */
    private static final class DriverCollective implements Collective {
        private final DriverLink link;
        private final long step;
        private final int size;

        DriverCollective(DriverLink link, long step, int size) {
            this.link = link;
            this.step = step;
            this.size = size;
        }

        @Override
        public void allReduceSum(double[] values, int offset, int length) {
            try {
                link.allReduceSum(step, values, offset, length);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("batch-norm exchange in step " + step + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("batch-norm exchange in step " + step + " interrupted", e);
            }
        }

        @Override
        public int size() {
            return size;
        }
    }
}
