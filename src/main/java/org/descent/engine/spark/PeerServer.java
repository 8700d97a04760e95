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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a barrier task of the tree exchange accepts its children: a TCP server on the task's own
 * address that admits a connection only when its {@code HELLO} carries the job's token (compared in
 * constant time) and names a partition; anything else is logged, counted and closed before a byte of
 * it is read as data, and changes nothing. It listens for the whole stage attempt, so a late stranger
 * is refused too.
 */
final class PeerServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerServer.class);
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;

    /** An admitted child: its partition and its streams. */
    record Accepted(int partition, Socket socket, DataInputStream in, DataOutputStream out) {
    }

    private final ServerSocket server;
    private final byte[] token;
    private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean closed;

    PeerServer(String host, String token) throws IOException {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        Thread t = new Thread(this::acceptLoop, "descent-peer-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections refused so far. */
    int refused() {
        return refused.get();
    }

    /** The next admitted child, or null after {@code millis}. */
    Accepted poll(long millis) throws InterruptedException {
        return accepted.poll(millis, TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> handshake(s), "descent-peer-hello");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Descent peer server: accept failed: {}", e.getMessage());
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
            in.readInt();   // stage attempt and launch: the driver's concern
            in.readInt();
            in.readUTF();   // executor, host and port: the driver's concern
            in.readUTF();
            in.readInt();
            s.setSoTimeout(0);
            accepted.add(new Accepted(partition, s, in, new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16))));
        } catch (IOException e) {
            refuse(s, from, "greeting failed: " + e.getMessage());
        }
    }

    private void refuse(Socket s, String from, String why) {
        refused.incrementAndGet();
        LOG.warn("Descent peer server refused a connection from {}: {}", from, why);
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing listens any more either way
        }
        Accepted a;
        while ((a = accepted.poll()) != null) {
            try {
                a.socket().close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
