package org.descent.engine.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tree exchange's shape for one barrier stage attempt, computed by the driver once every task has
 * linked and sent to each of them. Tasks are grouped by executor JVM; a group's lowest partition is
 * its leader and the others are its in-process children, which share the leader's received
 * parameters and hand it their gradient sums by reference — so traffic grows with the number of
 * executors, not of cores. Leaders, ordered by their partition, form a {@code fanout}-ary tree over
 * TCP: leader i's parent is leader {@code (i−1)/fanout}, and leader 0 is the root, the driver's only
 * correspondent (fan-out 1 is a pipelined chain).
 *
 * <p>A node adds its own sums first, then its children's in {@link #children} order (in-process
 * children by partition, then TCP children by partition): a fixed order for a given placement of
 * partitions on executors, so float32 runs are deterministic; exact sums do not depend on the order at
 * all and give the star's bits.
 */
final class Topology implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {@link #parent} of the root: the driver. */
    static final int DRIVER = -1;

    private final int[] parent;
    private final String[] executor;
    private final boolean[] sameJvm;
    private final String[] host;
    private final int[] port;
    private final int[][] children;
    private final int[][] subtree;

    Topology(int[] parent, String[] executor, boolean[] sameJvm, String[] host, int[] port) {
        this.parent = parent;
        this.executor = executor;
        this.sameJvm = sameJvm;
        this.host = host;
        this.port = port;
        int w = parent.length;
        this.children = new int[w][];
        for (int p = 0; p < w; p++) {
            int self = p;
            children[p] = java.util.stream.IntStream.range(0, w).filter(q -> parent[q] == self).boxed()
                    .sorted(Comparator.<Integer, Boolean>comparing(q -> !sameJvm[q]).thenComparing(q -> q)).mapToInt(Integer::intValue).toArray();
        }
        this.subtree = new int[w][];
        for (int p = 0; p < w; p++) {
            List<Integer> below = new ArrayList<>();
            collect(p, below);
            subtree[p] = below.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private void collect(int p, List<Integer> out) {
        out.add(p);
        for (int c : children[p]) {
            collect(c, out);
        }
    }

    /**
     * The tree over {@code executor[p]} (each partition's executor JVM) with {@code fanout} children per
     * leader; {@code host[p]:port[p]} is where partition p's task accepts its TCP children.
     */
    static Topology of(String[] executor, String[] host, int[] port, int fanout) {
        int w = executor.length;
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int p = 0; p < w; p++) {   // partitions in order, so each group's first partition is its lowest
            groups.computeIfAbsent(executor[p], k -> new ArrayList<>()).add(p);
        }
        int[] parent = new int[w];
        boolean[] sameJvm = new boolean[w];
        int[] leaders = groups.values().stream().mapToInt(g -> g.get(0)).toArray();
        for (int i = 0; i < leaders.length; i++) {
            parent[leaders[i]] = i == 0 ? DRIVER : leaders[(i - 1) / fanout];
        }
        for (List<Integer> g : groups.values()) {
            for (int k = 1; k < g.size(); k++) {
                parent[g.get(k)] = g.get(0);
                sameJvm[g.get(k)] = true;
            }
        }
        return new Topology(parent, executor.clone(), sameJvm, host.clone(), port.clone());
    }

    int size() {
        return parent.length;
    }

    int root() {
        for (int p = 0; p < parent.length; p++) {
            if (parent[p] == DRIVER) {
                return p;
            }
        }
        throw new IllegalStateException("a tree without a root");
    }

    /** The executor partition p's task runs in. */
    String executor(int p) {
        return executor[p];
    }

    int parent(int p) {
        return parent[p];
    }

    /** True when partition p reaches its parent in process (same executor JVM). */
    boolean sameJvmAsParent(int p) {
        return sameJvm[p];
    }

    int[] children(int p) {
        return children[p];
    }

    String host(int p) {
        return host[p];
    }

    int port(int p) {
        return port[p];
    }

    /** Partitions in p's subtree, p included. */
    int[] subtree(int p) {
        return subtree[p];
    }

    /** Executor JVMs in the tree (its leaders). */
    int groups() {
        int n = 0;
        for (boolean s : sameJvm) {
            n += s ? 0 : 1;
        }
        return n;
    }

    /** Depth of the deepest partition below the root (0 for a single task). */
    int depth() {
        int deepest = 0;
        for (int p = 0; p < parent.length; p++) {
            int d = 0;
            for (int q = p; parent[q] != DRIVER; q = parent[q]) {
                d++;
            }
            deepest = Math.max(deepest, d);
        }
        return deepest;
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(parent.length);
        for (int p = 0; p < parent.length; p++) {
            out.writeInt(parent[p]);
            out.writeUTF(executor[p]);
            out.writeBoolean(sameJvm[p]);
            out.writeUTF(host[p]);
            out.writeInt(port[p]);
        }
    }

    static Topology readFrom(DataInputStream in) throws IOException {
        int w = in.readInt();
        if (w <= 0 || w > (1 << 20)) {
            throw new IOException("corrupt topology of " + w + " tasks");
        }
        int[] parent = new int[w];
        String[] executor = new String[w];
        boolean[] sameJvm = new boolean[w];
        String[] host = new String[w];
        int[] port = new int[w];
        for (int p = 0; p < w; p++) {
            parent[p] = in.readInt();
            executor[p] = in.readUTF();
            sameJvm[p] = in.readBoolean();
            host[p] = in.readUTF();
            port[p] = in.readInt();
        }
        return new Topology(parent, executor, sameJvm, host, port);
    }

    @Override
    public String toString() {
        return "tree over " + groups() + " executor(s), depth " + depth() + ", parents " + Arrays.toString(parent);
    }
}
