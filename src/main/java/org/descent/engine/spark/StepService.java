package org.descent.engine.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of the barrier transport: a TCP server bound to the driver's address that
 * accepts a task only when its {@code HELLO} carries this job's random token (compared in
 * constant time); anything else is logged and closed before a byte of it is read as data. Each
 * accepted task gets a reader thread that turns its messages into {@link Event}s on one queue, in
 * arrival order; the driver's training loop is the only consumer. A task in the driver's own JVM
 * (a local master) links in process instead ({@link #linkInProcess}): the same messages and
 * events, without sockets, encoding or copies.
 */
final class StepService implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StepService.class);
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;

    /** What reaches the driver: a task connected, sent a message, or its connection ended. */
    record Event(Kind kind, Connection from, Object payload) {
    }

    enum Kind { CONNECTED, RESULT, REDUCE, SEGMENT, LOST }

    /**
     * A task's streamed gradient is in place from {@code offset} on (segments come the last first), in
     * {@code floats} or, exact, {@code doubles} — the arrays its RESULT will carry.
     */
    record Segment(long step, int offset, float[] floats, double[] doubles) {
    }

    /**
     * A task's gradient as it streams in, the payload of its SEGMENT events. Segments come in bursts (all
     * that one layer's backward finished), so the reader queues one event at a time per task and the
     * driver, when it takes it, reads how far the gradient is in by then: one wake-up per burst, not per
     * segment.
     */
    static final class Streamed {
        private final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile long step;
        private volatile float[] floats;
        private volatile double[] doubles;
        private volatile int readyFrom;

        /** The reader's side: the segment at {@code offset} is in; true when an event should be queued for it. */
        private boolean arrived(long s, int offset, float[] f, double[] d) {
            step = s;
            floats = f;
            doubles = d;
            readyFrom = offset;   // last: the volatile write publishes the rest
            return queued.compareAndSet(false, true);
        }

        /** The driver's side: how far the gradient is in now; a segment arriving after this queues a new event. */
        Segment take() {
            queued.set(false);
            int from = readyFrom;
            return new Segment(step, from, floats, doubles);
        }
    }

    /** A REDUCE request: the step it belongs to and the values to sum. */
    record Reduce(long step, double[] values) {
    }

    /** One task's connection as the driver sees it: its partition, the stage attempt that launched it, and how to answer it. */
    abstract static class Connection implements Closeable {
        final int partition;
        final int attempt;
        final int launch;
        /** Where the task runs (its executor's id; tasks of one JVM share it) and where it accepts tree children (port −1: nowhere). */
        final String executor;
        final String peerHost;
        final int peerPort;

        Connection(int partition, int attempt, int launch, String executor, String peerHost, int peerPort) {
            this.partition = partition;
            this.attempt = attempt;
            this.launch = launch;
            this.executor = executor;
            this.peerHost = peerHost;
            this.peerPort = peerPort;
        }

        abstract void sendStep(StepMessage step) throws IOException;

        abstract void sendTopology(Topology topology) throws IOException;

        abstract void sendSum(double[] sum) throws IOException;

        abstract void sendStop() throws IOException;

        /** Ends the connection: the task fails on its own if it is still running. */
        @Override
        public abstract void close();
    }

    /** A task in another JVM, over TCP. */
    private static final class TcpConnection extends Connection {
        private final Socket socket;
        private final DataOutputStream out;
        private final Wire wire = new Wire();

        TcpConnection(int partition, int attempt, int launch, String executor, String peerHost, int peerPort, Socket socket, DataOutputStream out) {
            super(partition, attempt, launch, executor, peerHost, peerPort);
            this.socket = socket;
            this.out = out;
        }

        @Override
        void sendStep(StepMessage step) throws IOException {
            step.writeTo(out);
        }

        @Override
        void sendTopology(Topology topology) throws IOException {
            out.writeByte(Wire.TOPOLOGY);
            topology.writeTo(out);
            out.flush();
        }

        @Override
        void sendSum(double[] sum) throws IOException {
            out.writeByte(Wire.SUM);
            wire.writeDoubles(out, sum, 0, sum.length);
            out.flush();
        }

        @Override
        void sendStop() throws IOException {
            out.writeByte(Wire.STOP);
            out.flush();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort: the task fails on its own when the socket is gone
            }
        }

        @Override
        public String toString() {
            return "partition " + partition + " (stage " + launch + ", attempt " + attempt + ", " + socket.getRemoteSocketAddress() + ")";
        }
    }

    /** What a task in the driver's JVM finds in its inbox besides steps and sums. */
    private enum Signal { STOP, CLOSED }

    /**
     * A task in the driver's JVM: the driver's messages go to the task's inbox as objects, the task's
     * to the driver's event queue. Arrays pass by reference: the task only reads the step's
     * parameters, which the driver changes after every task has answered; a result's gradient sums
     * are the task's own buffers, which it refills only in its next step, after the driver has added
     * them up and sent that step; a reduction's values are a copy.
     */
    private final class InProcessConnection extends Connection {
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();

        InProcessConnection(int partition, int attempt, int launch, String executor) {
            super(partition, attempt, launch, executor, "", -1);
        }

        @Override
        void sendStep(StepMessage step) {
            sent.addAndGet(step.wireBytes());
            inbox.add(step);
        }

        @Override
        void sendTopology(Topology topology) {
            inbox.add(topology);
        }

        @Override
        void sendSum(double[] sum) {
            sent.addAndGet(1 + 4 + 8L * sum.length);
            inbox.add(sum);
        }

        @Override
        void sendStop() {
            inbox.add(Signal.STOP);
        }

        @Override
        public void close() {
            inbox.add(Signal.CLOSED);
        }

        @Override
        public String toString() {
            return "partition " + partition + " (stage " + launch + ", attempt " + attempt + ", in the driver's JVM)";
        }
    }

    /** The task's end of an {@link InProcessConnection}. */
    final class InProcessLink implements DriverLink {
        private final InProcessConnection connection;
        private final long readTimeoutMillis;
        private final Runnable checkKilled;
        private boolean closed;

        private InProcessLink(InProcessConnection connection, int timeoutMillis, Runnable checkKilled) {
            this.connection = connection;
            this.readTimeoutMillis = DriverLink.readTimeoutMillis(timeoutMillis);
            this.checkKilled = checkKilled;
        }

        /** The next message; looks every {@link DriverLink#KILL_CHECK_MILLIS} ms whether the task was killed. */
        private Object receive() throws IOException, InterruptedException {
            Object m = DriverLink.await(() -> connection.inbox.poll(KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS), checkKilled, readTimeoutMillis);
            if (m == Signal.CLOSED) {
                throw new IOException("the driver closed the connection");
            }
            return m;
        }

        @Override
        public Topology awaitTopology() throws IOException, InterruptedException {
            Object m = receive();
            if (m instanceof Topology t) {
                return t;
            }
            throw new IOException("expected the tree's topology, got " + m);
        }

        @Override
        public StepMessage next() throws IOException, InterruptedException {
            Object m = receive();
            if (m == Signal.STOP) {
                return null;
            }
            if (m instanceof StepMessage step) {
                return step;
            }
            throw new IOException("unexpected message " + m + " from the driver");
        }

        @Override
        public void sendResult(long step, PartitionResult result) {
            received.addAndGet(result.wireBytes());
            events.add(new Event(Kind.RESULT, connection, new StepResult(step, result)));
        }

        @Override
        public void allReduceSum(long step, double[] values, int offset, int length) throws IOException, InterruptedException {
            received.addAndGet(1 + 8 + 4 + 8L * length);
            events.add(new Event(Kind.REDUCE, connection, new Reduce(step, java.util.Arrays.copyOfRange(values, offset, offset + length))));
            Object m = receive();
            if (!(m instanceof double[] sum)) {
                throw new IOException("expected a sum from the driver, got " + m);
            }
            if (sum.length != length) {
                throw new IOException("expected " + length + " values, got " + sum.length);
            }
            System.arraycopy(sum, 0, values, offset, length);
        }

        /** The driver sees the task go, as it sees a socket close. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                events.add(new Event(Kind.LOST, connection, "the task ended"));
            }
        }
    }

    /** Services whose tasks may link in process, by token: the tasks of a local master find theirs here. */
    private static final Map<String, StepService> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ServerSocket server;
    private final byte[] token;
    private final AtomicInteger inProcess = new AtomicInteger();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    /** Bytes the driver sent and received over every link (in process: what TCP would have carried). */
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    /** GRADIENT segments received so far: gradients that tasks streamed during backward ({@code engine.overlap}). */
    private final java.util.concurrent.atomic.AtomicLong streamedSegments = new java.util.concurrent.atomic.AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Listens on {@code host} (the driver's address) at a free port, with a fresh random token; with
     * {@code inProcessLinks} a task that runs in this JVM links without TCP ({@link #linkInProcess}).
     */
    StepService(String host, boolean inProcessLinks) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        this.acceptor = new Thread(this::acceptLoop, "descent-step-service-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        if (inProcessLinks) {
            IN_THIS_JVM.put(token(), this);
        }
    }

    /**
     * A link for a task in this JVM to the service with {@code token}, announced to the driver as a
     * new connection; null when no such service runs here (the task is in another JVM, or the run
     * asked for TCP).
     */
    static InProcessLink linkInProcess(String token, int partition, int attempt, int launch, int timeoutMillis, Runnable checkKilled,
                                       String executor) {
        StepService service = IN_THIS_JVM.get(token);
        if (service == null) {
            return null;
        }
        InProcessConnection c = service.new InProcessConnection(partition, attempt, launch, executor);
        service.inProcess.incrementAndGet();
        service.events.add(new Event(Kind.CONNECTED, c, null));
        return service.new InProcessLink(c, timeoutMillis, checkKilled);
    }

    /** True when the service with {@code token} runs in this JVM and lets its tasks link in process. */
    static boolean runsHere(String token) {
        return IN_THIS_JVM.containsKey(token);
    }

    private volatile Topology topology;

    /** The tree the runner sent its tasks last (null with the star). */
    Topology topology() {
        return topology;
    }

    void topologySent(Topology t) {
        this.topology = t;
    }

    /** Tasks that linked in process so far. */
    int inProcessLinks() {
        return inProcess.get();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The token a task must present (travels to the tasks inside the stage's closure). */
    String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    /** Connections refused so far (wrong token, bad greeting). */
    int refused() {
        return refused.get();
    }

    /** {@code [sent, received]}: bytes the driver moved over its links so far. */
    long[] bytes() {
        return new long[] {sent.get(), received.get()};
    }

    /** GRADIENT segments received so far (over TCP, from tasks that overlapped their upload with backward). */
    long streamedSegments() {
        return streamedSegments.get();
    }

    /** The next event, or null after {@code millis} without one. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> handshake(s), "descent-step-service-hello");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Descent step service: accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void handshake(Socket s) {
        String from = String.valueOf(s.getRemoteSocketAddress());
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(new CountingInput(s.getInputStream(), received), 1 << 16));
            int magic = in.readInt();
            int n = in.readInt();
            if (magic != Wire.MAGIC || n != token.length) {
                refuse(s, from, "not a Descent task greeting");
                return;
            }
            byte[] presented = new byte[n];
            in.readFully(presented);
            if (!MessageDigest.isEqual(presented, token)) {
                refuse(s, from, "wrong token");
                return;
            }
            int partition = in.readInt();
            int attempt = in.readInt();
            int launch = in.readInt();
            String executor = in.readUTF();
            String peerHost = in.readUTF();
            int peerPort = in.readInt();
            s.setSoTimeout(0);   // the driver's loop owns timeouts from here on
            Connection c = new TcpConnection(partition, attempt, launch, executor, peerHost, peerPort, s,
                    new DataOutputStream(new BufferedOutputStream(new CountingOutput(s.getOutputStream(), sent), 1 << 16)));
            events.add(new Event(Kind.CONNECTED, c, null));
            read(c, in);
        } catch (IOException e) {
            refuse(s, from, "greeting failed: " + e.getMessage());
        }
    }

    private void refuse(Socket s, String from, String why) {
        refused.incrementAndGet();
        LOG.warn("Descent step service refused a connection from {}: {}", from, why);
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** The connection's reader: messages become events until the stream ends. */
    private void read(Connection c, DataInputStream in) {
        Wire wire = new Wire();
        // A task's next result arrives only after the driver has used this one and sent the next step, so one set of arrays per
        // connection serves every step.
        float[] gradBuffer = null;
        double[] exactBuffer = null;
        double[] statsBuffer = null;
        GradientSegments segments = new GradientSegments(c.toString());
        Streamed streamed = new Streamed();
        try {
            while (true) {
                byte type = in.readByte();
                if (type == Wire.GRADIENT) {
                    int offset = segments.read(in, wire);
                    streamedSegments.incrementAndGet();
                    if (streamed.arrived(segments.step(), offset, segments.floats(), segments.doubles())) {
                        events.add(new Event(Kind.SEGMENT, c, streamed));
                    }
                } else if (type == Wire.RESULT) {
                    long step = in.readLong();
                    double lossSum = in.readDouble();
                    long count = in.readLong();
                    long compute = in.readLong();
                    long sync = in.readLong();
                    byte kind = in.readByte();
                    float[] grads = null;
                    double[] exactGrads = null;
                    switch (kind) {
                        case Wire.FLOAT_GRADIENTS -> grads = gradBuffer = wire.readFloats(in, gradBuffer);
                        case Wire.EXACT_GRADIENTS -> exactGrads = exactBuffer = wire.readDoubles(in, exactBuffer);
                        case Wire.FLOAT_GRADIENTS_SENT -> grads = segments.takeFloats(step);
                        case Wire.EXACT_GRADIENTS_SENT -> exactGrads = segments.takeDoubles(step);
                        default -> throw new IOException("unknown gradient encoding " + kind);
                    }
                    double[] stats = statsBuffer = wire.readDoubles(in, statsBuffer);
                    events.add(new Event(Kind.RESULT, c, new StepResult(step,
                            new PartitionResult(c.partition, grads, exactGrads, lossSum, count, stats, 0, compute, sync))));
                } else if (type == Wire.REDUCE) {
                    long step = in.readLong();
                    events.add(new Event(Kind.REDUCE, c, new Reduce(step, wire.readDoubles(in, null))));
                } else {
                    throw new IOException("unknown message type " + type);
                }
            }
        } catch (IOException e) {
            events.add(new Event(Kind.LOST, c, e.getMessage()));
        }
    }

    /** An input stream that counts what it reads. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private final java.util.concurrent.atomic.AtomicLong count;

        CountingInput(java.io.InputStream in, java.util.concurrent.atomic.AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }

    /** An output stream that counts what it writes. */
    private static final class CountingOutput extends java.io.FilterOutputStream {
        private final java.util.concurrent.atomic.AtomicLong count;

        CountingOutput(java.io.OutputStream out, java.util.concurrent.atomic.AtomicLong count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.addAndGet(len);
        }
    }

    /** A RESULT: the step it answers and the partition's result. */
    record StepResult(long step, PartitionResult result) {
    }

    @Override
    public void close() {
        closed = true;
        IN_THIS_JVM.remove(token());
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing listens any more either way
        }
    }
}
