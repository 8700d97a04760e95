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
import java.util.concurrent.BlockingQueue;
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
 * arrival order; the driver's training loop is the only consumer.
 */
final class StepService implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StepService.class);
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;

    /** What reaches the driver: a task connected, sent a message, or its connection ended. */
    record Event(Kind kind, Connection from, Object payload) {
    }

    enum Kind { CONNECTED, RESULT, REDUCE, LOST }

    /** A REDUCE request: the step it belongs to and the values to sum. */
    record Reduce(long step, double[] values) {
    }

    /** One task's connection: its partition, the stage attempt that launched it, and the stream to answer on. */
    static final class Connection implements Closeable {
        final int partition;
        final int attempt;
        final int launch;
        private final Socket socket;
        final DataOutputStream out;
        final Wire wire = new Wire();

        Connection(int partition, int attempt, int launch, Socket socket, DataOutputStream out) {
            this.partition = partition;
            this.attempt = attempt;
            this.launch = launch;
            this.socket = socket;
            this.out = out;
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

    private final ServerSocket server;
    private final byte[] token;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /** Listens on {@code host} (the driver's address) at a free port, with a fresh random token. */
    StepService(String host) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        this.acceptor = new Thread(this::acceptLoop, "descent-step-service-accept");
        acceptor.setDaemon(true);
        acceptor.start();
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
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
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
            s.setSoTimeout(0);   // the driver's loop owns timeouts from here on
            Connection c = new Connection(partition, attempt, launch, s, new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16)));
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
        try {
            while (true) {
                byte type = in.readByte();
                if (type == Wire.RESULT) {
                    long step = in.readLong();
                    double lossSum = in.readDouble();
                    long count = in.readLong();
                    long compute = in.readLong();
                    long sync = in.readLong();
                    byte kind = in.readByte();
                    if (kind != Wire.EXACT_GRADIENTS && kind != Wire.FLOAT_GRADIENTS) {
                        throw new IOException("unknown gradient encoding " + kind);
                    }
                    boolean exact = kind == Wire.EXACT_GRADIENTS;
                    float[] grads = exact ? null : wire.readFloats(in, null);
                    double[] exactGrads = exact ? wire.readDoubles(in, null) : null;
                    double[] stats = wire.readDoubles(in, null);
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

    /** A RESULT: the step it answers and the partition's result. */
    record StepResult(long step, PartitionResult result) {
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing listens any more either way
        }
    }
}
