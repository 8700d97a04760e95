package org.descent.engine.spark;

import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.descent.engine.BatchPlan;
import org.descent.nn.Collective;
import org.descent.nn.norm.MomentStats;

/**
 * One task's place in the tree exchange ({@link Topology}) for one stage attempt: its line up (the
 * driver for the root, else its parent task, in process or over TCP) and its lines down. Per step it
 * takes the step from above and passes it down (over TCP as the bytes arrive, chunk by chunk), serves
 * synchronized batch norm's reductions through the tree ({@link #collective}: the children's sums
 * added to its own, the total from the root coming back down), and answers with its subtree's result:
 * loss and count summed, the slowest compute and wait, batch-norm statistics merged, and the gradient
 * added up chunk by chunk — its own first, then each child's in {@link Topology#children} order — and
 * sent on as each chunk is complete. The root rounds an exact sum to float32 once, so the driver
 * receives one float32 gradient per step, whatever the number of executors. With {@code engine.overlap}
 * a leaf streams its gradient during backward ({@link GradientStreamer}) and a node with children sends
 * its subtree's sum as {@code GRADIENT} segments, the last first, each as soon as it is added up, so the
 * driver sums and updates the root's segments while the next ones arrive.
 *
 * <p>A task with no examples in a step still relays its children's reductions and results; which
 * children take part in a reduction follows from the step's plan, which every task knows.
 */
final class TreeNode implements Closeable {
    private static final int CHUNK_VALUES = TcpDriverLink.CHUNK_BYTES / 4;
    private final int partition;
    private final Topology topology;
    private final BatchPlan plan;
    private final DriverLink up;
    private final boolean root;
    private final List<ChildLink> children;
    private final boolean relayed;
    private final boolean syncBatchNorm;
    private final boolean[] activeChild;
    private final double[] merged;
    private float[] rounded;
    private double[] relayScratch = new double[0];
    private StepMessage current;
    private GradientStreamer streamer;
    private Forwarder forwarder;
    private final boolean overlap;

    private TreeNode(int partition, Topology topology, BatchPlan plan, DriverLink up, List<ChildLink> children, boolean syncBatchNorm, int statsSize,
                     boolean overlap) {
        this.overlap = overlap;
        this.partition = partition;
        this.topology = topology;
        this.plan = plan;
        this.up = up;
        this.root = topology.parent(partition) == Topology.DRIVER;
        this.children = children;
        this.syncBatchNorm = syncBatchNorm;
        this.activeChild = new boolean[children.size()];
        this.merged = new double[statsSize];
        List<DataOutputStream> tcp = new ArrayList<>();
        for (ChildLink c : children) {
            if (c instanceof ChildLink.Tcp t) {
                tcp.add(t.out());
            }
        }
        this.relayed = up instanceof TcpDriverLink && !tcp.isEmpty();
        if (relayed) {
            ((TcpDriverLink) up).relayTo(tcp);
        }
    }

    /** What a node needs to link: the job's token, its stage attempt and launch, where it runs, and how to notice a kill. */
    record Identity(String token, int attempt, int launch, String executor, int timeoutMillis, Runnable checkKilled) {
    }

    /**
     * Links {@code partition} into {@code topology}: up to its parent (the {@code driver} link for the
     * root), then accepts its TCP children on {@code server} and meets its in-process ones.
     */
    static TreeNode link(int partition, Topology topology, BatchPlan plan, DriverLink driver, PeerServer server, Identity id, boolean syncBatchNorm,
                         int statsSize, boolean overlap) throws IOException, InterruptedException {
        int parent = topology.parent(partition);
        DriverLink up;
        if (parent == Topology.DRIVER) {
            up = driver;
        } else if (topology.sameJvmAsParent(partition)) {
            up = SameJvmLink.child(id.token(), id.attempt(), partition, id.timeoutMillis(), id.checkKilled());
        } else {
            up = new TcpDriverLink(topology.host(parent), topology.port(parent), id.token(), partition, id.attempt(), id.launch(), id.timeoutMillis(),
                    id.checkKilled(), id.executor(), -1);
        }
        List<ChildLink> children = new ArrayList<>();
        List<PeerServer.Accepted> early = new ArrayList<>();
        long deadline = System.currentTimeMillis() + DriverLink.readTimeoutMillis(id.timeoutMillis());
        try {
            for (int c : topology.children(partition)) {
                if (topology.sameJvmAsParent(c)) {
                    children.add(SameJvmLink.leader(id.token(), id.attempt(), c, id.timeoutMillis(), id.checkKilled()));
                    continue;
                }
                PeerServer.Accepted a = null;
                while (a == null) {
                    for (PeerServer.Accepted e : early) {
                        if (e.partition() == c) {
                            a = e;
                        }
                    }
                    if (a != null) {
                        early.remove(a);
                        break;
                    }
                    PeerServer.Accepted next = server == null ? null : server.poll(DriverLink.KILL_CHECK_MILLIS);
                    if (next != null) {
                        early.add(next);
                    }
                    id.checkKilled().run();
                    if (System.currentTimeMillis() > deadline) {
                        throw new java.net.SocketTimeoutException("partition " + partition + ": child partition " + c + " did not connect");
                    }
                }
                children.add(new ChildLink.Tcp(a, id.checkKilled(), id.timeoutMillis(), statsSize));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            children.forEach(ChildLink::close);
            if (up != driver) {
                up.close();
            }
            throw e;
        }
        return new TreeNode(partition, topology, plan, up, children, syncBatchNorm, statsSize, overlap);
    }

    /** The next step from above, passed on to every child; null when the stage is told to stop (passed on too). */
    StepMessage next() throws IOException, InterruptedException {
        StepMessage m = up.next();
        for (int i = 0; i < children.size(); i++) {
            ChildLink c = children.get(i);
            if (relayed && c instanceof ChildLink.Tcp) {
                continue;   // got the bytes as they came
            }
            if (m == null) {
                c.sendStop();
            } else {
                c.sendStep(m);
            }
        }
        if (m != null) {
            for (ChildLink c : children) {
                c.startStep();
            }
            for (int i = 0; i < children.size(); i++) {
                activeChild[i] = false;
                for (int q : topology.subtree(children.get(i).partition())) {
                    activeChild[i] |= plan.sliceLength(q, m.epoch, m.stepInEpoch) > 0;
                }
            }
        }
        current = m;
        return m;
    }

    /**
     * What backward tells of its progress in the current step ({@code engine.overlap}): a leaf whose line
     * up is TCP streams its gradient up while backward runs ({@link GradientStreamer}); null for a node
     * with children, which adds theirs to its own before it sends, and for a line up in process, which
     * passes the arrays by reference.
     */
    org.descent.nn.GradientProgress progress() {
        if (!overlap) {
            return null;
        }
        if (!root && topology.sameJvmAsParent(partition)) {
            return SameJvmLink.progressOf(up);   // the leader adds what is final of this task's gradient during its own backward
        }
        if (!(up instanceof TcpDriverLink tcp)) {
            return null;
        }
        if (children.isEmpty()) {
            if (streamer == null) {
                streamer = new GradientStreamer(tcp, root);   // the root's receiver is the driver, which takes float32
            }
            return streamer.begin(current.step);
        }
        if (forwarder == null) {
            forwarder = new Forwarder(tcp);
        }
        return forwarder.begin(current.step);
    }

    /**
     * A node with children, overlapped: after each layer of its own backward it sends up every segment,
     * from the top down, that is final in its own gradient and already in from every child, the
     * children's values added to its own in {@link Topology#children} order — the order of the sum
     * after backward, so the same bits. It never waits for a child: what is not in yet goes at
     * {@link #finish}.
     */
    private final class Forwarder implements org.descent.nn.GradientProgress {
        private final TcpDriverLink tcp;
        private long step;
        private int nextTo = -1;

        Forwarder(TcpDriverLink tcp) {
            this.tcp = tcp;
        }

        Forwarder begin(long s) {
            step = s;
            nextTo = -1;
            return this;
        }

        /** The lowest index sent in this step ({@link Integer#MAX_VALUE} before anything went). */
        int sentFrom() {
            return nextTo < 0 ? Integer.MAX_VALUE : nextTo;
        }

        @Override
        public void ready(org.descent.nn.StepContext ctx, int offset) {
            boolean exact = ctx.exactGrads != null;
            int n = exact ? ctx.exactGrads.length : ctx.grads.length;
            if (nextTo < 0) {
                nextTo = n;
            }
            boolean sent = false;
            try {
                while (nextTo > 0) {
                    int from = Wire.segmentEndingAt(nextTo);
                    if (from < offset || !childrenHave(from)) {
                        break;
                    }
                    int len = nextTo - from;
                    for (ChildLink c : children) {
                        if (exact) {
                            c.addSegment(ctx.exactGrads, from, len);
                        } else {
                            c.addSegment(ctx.grads, from, len);
                        }
                    }
                    tcp.sendGradientSegment(step, ctx.grads, ctx.exactGrads, root, n, from, len);   // the root's receiver takes float32
                    nextTo = from;
                    sent = true;
                }
                if (sent) {
                    tcp.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("sending step " + step + "'s gradient sums failed: " + e.getMessage(), e);
            }
        }

        private boolean childrenHave(int from) {
            for (ChildLink c : children) {
                if (!c.hasSegment(from)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Synchronized batch norm's sums for the current step, through the tree; {@code size} partitions take part. */
    Collective collective(int size) {
        return new Collective() {
            @Override
            public void allReduceSum(double[] values, int offset, int length) {
                try {
                    reduce(values, offset, length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("batch-norm exchange in step " + current.step + " failed: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("batch-norm exchange in step " + current.step + " interrupted", e);
                }
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** One reduction: the active children's values added to ours, then up and the total back down (the root has it). */
    private void reduce(double[] values, int offset, int length) throws IOException, InterruptedException {
        if (up instanceof TcpDriverLink tcp) {
            tcp.awaitStep();   // the children's streams carry the relayed step until it is whole; the sums come after it
        }
        for (int i = 0; i < children.size(); i++) {
            if (activeChild[i]) {
                ChildLink c = children.get(i);
                if (c.nextKind() != Wire.REDUCE) {
                    throw new IOException("partition " + c.partition() + " answered step " + current.step + " where a batch-norm exchange was due");
                }
                c.addReduce(values, offset, length);
            }
        }
        if (!root) {
            up.allReduceSum(current.step, values, offset, length);
        }
        for (int i = 0; i < children.size(); i++) {
            if (activeChild[i]) {
                children.get(i).sendSum(values, offset, length);
            }
        }
    }

    /**
     * Ends the current step: a node without examples first relays its children's reductions (it
     * learns each one's length from the first active child), then the subtree's result goes up.
     * Returns {@code own}'s exact sums when this node, the root, has rounded them to float32 and left them zero (so that
     * their worker need not clear them for its next step), else null.
     */
    double[] finish(PartitionResult own) throws IOException, InterruptedException {
        if (own.count() == 0) {
            int first = firstActiveChild();
            while (first >= 0 && children.get(first).nextKind() == Wire.REDUCE) {
                int length = children.get(first).reduceLength();
                if (relayScratch.length < length) {
                    relayScratch = new double[length];
                }
                java.util.Arrays.fill(relayScratch, 0, length, 0);
                reduce(relayScratch, 0, length);
            }
        }
        List<ChildLink.Result> results = new ArrayList<>(children.size());
        double lossSum = own.lossSum();
        long count = own.count();
        long compute = own.computeNanos() - own.syncNanos();
        long sync = own.syncNanos();
        for (ChildLink c : children) {
            if (c.nextKind() != Wire.RESULT) {
                throw new IOException("partition " + c.partition() + " sent a batch-norm exchange after the step's last one");
            }
            ChildLink.Result r = c.readResult();
            results.add(r);
            lossSum += r.lossSum();
            count += r.count();
            compute = Math.max(compute, r.computeNanos());
            sync = Math.max(sync, r.syncNanos());
        }
        boolean exact = own.exactGradSum() != null;
        float[] floats = own.gradSum();
        double[] doubles = own.exactGradSum();
        int n = exact ? doubles.length : floats.length;
        boolean streamed = up instanceof TcpDriverLink;
        TcpDriverLink tcpUp = streamed ? (TcpDriverLink) up : null;
        boolean roundHere = exact && root;   // the driver receives float32
        if (roundHere && (rounded == null || rounded.length != n)) {
            rounded = new float[n];
        }
        if (streamed && overlap) {
            // Segment by segment, the last first, each as soon as it is added up: the receiver (the driver, for the root) sums
            // and updates it while the next one comes. A leaf has sent what its backward finished already.
            int sentFrom = Math.min(n, streamer != null && children.isEmpty() ? streamer.sentFrom()
                    : forwarder != null && own.count() > 0 ? forwarder.sentFrom() : n);
            for (int s = Wire.segments(n) - 1; s >= 0; s--) {
                int from = Wire.segmentStart(s);
                if (from >= sentFrom) {
                    continue;
                }
                int len = Math.min(sentFrom, from + Wire.SEGMENT_VALUES) - from;
                addChildren(results, exact, floats, doubles, from, len);
                tcpUp.sendGradientSegment(current.step, floats, doubles, root, n, from, len);
                tcpUp.flush();
            }
            tcpUp.sendResultHeader(current.step, lossSum, count, compute, sync, exact && !root ? Wire.EXACT_GRADIENTS_SENT : Wire.FLOAT_GRADIENTS_SENT, 0);
        } else {
            if (streamed) {
                tcpUp.sendResultHeader(current.step, lossSum, count, compute, sync, exact && !root ? Wire.EXACT_GRADIENTS : Wire.FLOAT_GRADIENTS, n);
            }
            for (int from = 0; from < n; from += CHUNK_VALUES) {
                int len = Math.min(CHUNK_VALUES, n - from);
                addChildren(results, exact, floats, doubles, from, len);
                if (roundHere) {
                    org.descent.tensor.FloatArrays.narrowAndZero(doubles, from, rounded, from, len);
                }
                if (streamed) {
                    if (roundHere) {
                        tcpUp.sendGradientChunk(rounded, from, len);
                    } else if (exact) {
                        tcpUp.sendGradientChunk(doubles, from, len);
                    } else {
                        tcpUp.sendGradientChunk(floats, from, len);
                    }
                }
            }
        }
        double[] stats = mergeStats(own, results);
        if (streamed) {
            tcpUp.sendStats(stats);
        } else {
            // In process (a root in the driver's JVM, or a leaf under its executor's leader): the arrays by reference.
            boolean asFloat = !exact || roundHere;
            up.sendResult(current.step, new PartitionResult(partition, asFloat ? (roundHere ? rounded : floats) : null, asFloat ? null : doubles,
                    lossSum, count, stats, 0, compute + (root ? 0 : sync), sync));
        }
        return roundHere && !(streamed && overlap) ? doubles : null;
    }

    /** Adds the children's gradients at {@code [from, from+len)} to the node's own, in {@link Topology#children} order. */
    private static void addChildren(List<ChildLink.Result> results, boolean exact, float[] floats, double[] doubles, int from, int len) throws IOException {
        for (ChildLink.Result r : results) {
            if (exact) {
                r.addGradient(doubles, from, len);
            } else {
                r.addGradient(floats, from, len);
            }
        }
    }

    /** Statistics of the subtree: merged as (count, mean, M2) in the node's order, or with synchronized batch norm the first non-empty. */
    private double[] mergeStats(PartitionResult own, List<ChildLink.Result> results) throws IOException {
        java.util.Arrays.fill(merged, 0);
        boolean taken = add(own.stats(), own.count(), false);
        for (ChildLink.Result r : results) {
            taken = add(r.stats(), r.count(), taken);   // read even when empty: it is on the stream
        }
        return merged;
    }

    /** Merges one part's statistics into {@link #merged} (as the star does); returns whether synchronized statistics are taken. */
    private boolean add(double[] stats, long count, boolean taken) {
        if (merged.length == 0 || count == 0) {
            return taken;
        }
        if (!syncBatchNorm) {
            MomentStats.mergeAll(merged, stats);
            return taken;
        }
        if (!taken) {
            System.arraycopy(stats, 0, merged, 0, merged.length);
        }
        return true;
    }

    private int firstActiveChild() {
        for (int i = 0; i < activeChild.length; i++) {
            if (activeChild[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        children.forEach(ChildLink::close);
    }

    /** The link up, when it is not the driver's (the caller closes that one). */
    DriverLink up() {
        return up;
    }
}
