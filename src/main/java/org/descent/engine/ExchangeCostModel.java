package org.descent.engine;

/**
 * A latency–bandwidth (α–β) model of one synchronous data-parallel step, used to project the step time
 * and the weak-scaling efficiency of Descent's exchanges past the machines that can be measured.
 *
 * <p>Per step, with M = 4·P bytes of float32 parameters (and as many of gradient sum), one link of
 * latency α and inverse bandwidth β (s/byte, full duplex), chunks of s bytes, per-executor compute C
 * (its share of the global batch, forward and backward) and the driver's update u:
 * <ul>
 *   <li><b>star</b>: the driver's link carries W copies each way —
 *       {@code T = C + u + 2·(α + W·M·β)};</li>
 *   <li><b>tree</b> of fan-out k, pipelined in chunks: the busiest link (an inner node's, carrying
 *       min(k, W−1) copies) bounds each direction, and a chunk needs d hops to cross the depth d —
 *       {@code T = C + u + 2·(α + max(1, min(k, W−1))·M·β + d·(α + s·β))}; a chain is k = 1, d = W − 1;</li>
 *   <li><b>overlapped tree</b>, as {@code engine.overlap} builds it: forward starts as each layer's
 *       parameters arrive and the last layers' gradients leave during backward, at every level of the
 *       tree; the driver updates each segment as its sum completes. What cannot hide is the first trained
 *       layer's share f of the parameters — needed before forward starts, final only when backward ends —
 *       and its share f·u of the update; the (1−f)·u updated earlier hide behind the first layer's
 *       gradient coming up: with b = max(1, min(k, W−1)),
 *       {@code T = max(C + 2·b·f·M·β, 2·b·M·β) + f·u + max(0, (1−f)·u − b·f·M·β) + 2·(α + d·(α + s·β))};
 *       f = 0 is the ideal where every transfer hides behind the compute.</li>
 * </ul>
 * Weak scaling keeps each executor's batch, so C and u do not change with W, and the efficiency is
 * that of one process without any exchange over the step, {@code E(W) = (C + u) / T(W)} — as Horovod
 * counts it against one GPU with no allreduce. The model ignores congestion in the network's core (every link at full
 * rate), stragglers and the in-executor sums, which run at memory speed.
 *
 * @param alpha seconds per message on a link
 * @param beta  seconds per byte on a link
 * @param chunk bytes per pipelined chunk
 */
public record ExchangeCostModel(double alpha, double beta, double chunk) {

    public enum Topology { STAR, TREE, CHAIN, OVERLAPPED_TREE }

    /** The model fitted to two round trips of {@code bytes1} and {@code bytes2} each way: RTT = 2α + 2·bytes·β. */
    public static ExchangeCostModel fit(double bytes1, double rtt1, double bytes2, double rtt2, double chunk) {
        double beta = Math.max(1e-15, (rtt2 - rtt1) / (2 * (bytes2 - bytes1)));
        double alpha = Math.max(0, rtt1 / 2 - bytes1 * beta);
        return new ExchangeCostModel(alpha, beta, chunk);
    }

    /** A network of {@code gbits} Gbit/s and latency {@code alphaSeconds}. */
    public static ExchangeCostModel network(double gbits, double alphaSeconds, double chunk) {
        return new ExchangeCostModel(alphaSeconds, 8 / (gbits * 1e9), chunk);
    }

    /** Depth of a {@code fanout}-ary tree over {@code w} executors in the order of {@code Topology.of}: leader i's parent is (i−1)/fanout. */
    public static int depth(int w, int fanout) {
        int deepest = 0;
        for (int i = 1; i < w; i++) {
            int d = 0;
            for (int j = i; j > 0; j = (j - 1) / fanout) {
                d++;
            }
            deepest = Math.max(deepest, d);
        }
        return deepest;
    }

    /** The exchange's part of a step, without overlap: what moves the parameters down and the sums up. */
    public double exchangeSeconds(Topology topology, int w, double params, int fanout) {
        double m = 4 * params;
        return switch (topology) {
            case STAR -> 2 * (alpha + w * m * beta);
            case TREE, OVERLAPPED_TREE -> 2 * (alpha + busiest(w, fanout) * m * beta + depth(w, fanout) * hop());
            case CHAIN -> 2 * (alpha + m * beta + (w - 1) * hop());
        };
    }

    /** One step's time for {@code w} executors computing {@code computeSeconds} each, with the driver's update {@code updateSeconds}. */
    public double stepSeconds(Topology topology, int w, double params, int fanout, double computeSeconds, double updateSeconds) {
        return stepSeconds(topology, w, params, 0, fanout, computeSeconds, updateSeconds);
    }

    /** As above, for a model whose first trained layer holds {@code firstShare} of the parameters (the overlapped tree's exposed part). */
    public double stepSeconds(Topology topology, int w, double params, double firstShare, int fanout, double computeSeconds, double updateSeconds) {
        if (topology == Topology.OVERLAPPED_TREE) {
            double m = 4 * params;
            double b = busiest(w, fanout);
            double firstUp = b * firstShare * m * beta;
            return Math.max(computeSeconds + 2 * firstUp, 2 * b * m * beta) + firstShare * updateSeconds
                    + Math.max(0, (1 - firstShare) * updateSeconds - firstUp) + 2 * (alpha + depth(w, fanout) * hop());
        }
        return computeSeconds + updateSeconds + exchangeSeconds(topology, w, params, fanout);
    }

    /** Weak-scaling efficiency at {@code w} executors: one process's step without exchange, (C + u), over T(w). */
    public double efficiency(Topology topology, int w, double params, int fanout, double computeSeconds, double updateSeconds) {
        return efficiency(topology, w, params, 0, fanout, computeSeconds, updateSeconds);
    }

    /** As above, for a model whose first trained layer holds {@code firstShare} of the parameters. */
    public double efficiency(Topology topology, int w, double params, double firstShare, int fanout, double computeSeconds, double updateSeconds) {
        return (computeSeconds + updateSeconds) / stepSeconds(topology, w, params, firstShare, fanout, computeSeconds, updateSeconds);
    }

    private double hop() {
        return alpha + chunk * beta;
    }

    private static int busiest(int w, int fanout) {
        return Math.max(1, Math.min(fanout, w - 1));
    }
}
