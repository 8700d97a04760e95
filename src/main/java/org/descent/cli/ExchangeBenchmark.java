package org.descent.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.SparkTrainer;
import org.descent.engine.spark.SyntheticBlocks;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench exchange}: the barrier step's exchange alone — the step's wall time less the
 * slowest task's compute and the driver's update — for models of P parameters over W executors of C
 * cores on local-cluster, star against tree, with the driver's bytes per step; and beside each, in the
 * same cluster, the limit: a bare TCP round trip of the same bytes (the model's float32 parameters down,
 * as many back) between the driver and an executor JVM.
 */
@Command(name = "exchange", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Barrier exchange time per step (step minus compute minus the driver's update) and driver bytes per step, star vs tree, "
                + "for models of P parameters over W executors of C cores on local-cluster, beside a bare socket round trip of the same bytes.")
final class ExchangeBenchmark implements Callable<Integer> {
    @Option(names = "--params", defaultValue = "270000,4000000,25000000", split = ",", description = "Model sizes in parameters (default ${DEFAULT-VALUE}).")
    List<Long> params;
    @Option(names = "--executors", defaultValue = "1,2,4,8", split = ",", description = "Executor JVMs W (default ${DEFAULT-VALUE}).")
    List<Integer> executors;
    @Option(names = "--cores", defaultValue = "1,2", split = ",", description = "Cores (tasks) per executor (default ${DEFAULT-VALUE}).")
    List<Integer> cores;
    @Option(names = "--exchanges", defaultValue = "star,tree", split = ",", description = "Exchanges to compare (default ${DEFAULT-VALUE}).")
    List<String> exchanges;
    @Option(names = "--memory", defaultValue = "512", description = "MB per executor (default ${DEFAULT-VALUE}).")
    int memory;
    @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--warmup", defaultValue = "8", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    /** The model's input width: a dense layer of {@code P/(IN+1)} units has about P parameters. */
    static final int IN = 15;

    /** A one-layer model of about {@code p} parameters whose compute is small beside its exchange. */
    static Sequential exchangeModel(long p) {
        int units = (int) Math.max(10, p / (IN + 1));
        return new Sequential(Shape.of(IN), LayerSpecs.parseAll(List.of("dense(" + units + ")")));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (steps <= 0 || warmup < 0 || memory < 256) {
            throw new UsageException("--steps must be positive, --warmup ≥ 0 and --memory ≥ 256");
        }
        for (String x : exchanges) {
            if (!x.equals("star") && !x.equals("tree")) {
                throw new UsageException("--exchanges: unknown exchange '" + x + "' (known: star, tree)");
            }
        }
        if (params.stream().anyMatch(p -> p < 1000) || executors.stream().anyMatch(w -> w < 1) || cores.stream().anyMatch(c -> c < 1)) {
            throw new UsageException("--params ≥ 1000, --executors and --cores ≥ 1");
        }
        System.out.printf(Locale.ROOT, "Barrier exchange per step on local-cluster (executors of %d MB): median over %d steps after %d; "
                + "exchange = step - slowest compute - driver update; one example per task, SGD%n", memory, steps, warmup);
        System.out.printf(Locale.ROOT, "%-4s %-5s %-11s %-5s %10s %10s %10s %12s %12s %10s %8s%n", "W", "cores", "params", "exch.", "step ms",
                "exchange", "socket RTT", "driver MB/st", "model copies", "vs RTT", "depth");
        for (int c : cores) {
            for (int w : executors) {
                String master = "local-cluster[" + w + "," + c + "," + memory + "]";
                try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("descent bench exchange", master).set("spark.ui.enabled", "false")
                        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120"))) {
                    sc.setLogLevel("ERROR");
                    int tasks = w * c;
                    JavaRDD<Block> data = SyntheticBlocks.gaussianMixture(sc, tasks * 64L, IN, 10, 1.0, tasks, 5);
                    Blocks.cache(data, org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
                    for (long p : params) {
                        Sequential model = exchangeModel(p);
                        double rtt = roundTripMillis(sc, 4L * model.paramCount());
                        for (String x : exchanges) {
                            Result r = measure(sc, model, data, tasks, EngineOptions.parse(EngineOptions.Exchange.class, x));
                            double copies = r.driverBytesPerStep() / (4.0 * model.paramCount());
                            System.out.printf(Locale.ROOT, "%-4d %-5d %-11d %-5s %10.2f %10.2f %10.2f %12.2f %12.2f %9.2fx %8s%n", w, c, model.paramCount(), x,
                                    r.stepMillis(), r.exchangeMillis(), rtt, r.driverBytesPerStep() / 1e6, copies, r.exchangeMillis() / rtt,
                                    x.equals("tree") ? Integer.toString(r.depth()) : "-");
                        }
                    }
                    data.unpersist(true);
                }
            }
        }
        System.out.println("socket RTT = the model's float32 bytes from the driver to one executor JVM and as many back over one TCP connection "
                + "(the limit of one exchange; the star moves W times these bytes through the driver, the tree about once).");
        System.out.println("model copies = driver bytes sent + received per step / the model's float32 bytes (the tree's target: <= 2.2).");
        return 0;
    }

    record Result(double stepMillis, double exchangeMillis, double driverBytesPerStep, int depth) {
    }

    private Result measure(JavaSparkContext sc, Sequential model, JavaRDD<Block> data, int tasks, EngineOptions.Exchange exchange) {
        return measure(sc, model, data, tasks, exchange, warmup, steps);
    }

    /** The exchange of {@code model} over this cluster's {@code tasks} tasks (one example each), medians over {@code steps} after {@code warmup}. */
    static Result measure(JavaSparkContext sc, Sequential model, JavaRDD<Block> data, int tasks, EngineOptions.Exchange exchange, int warmup, int steps) {
        List<double[]> timed = new ArrayList<>();
        SparkTrainer trainer = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("sgd", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(tasks, 1_000_000, 1, false).withShuffle(org.descent.engine.BatchPlan.Shuffle.GLOBAL))
                .engine(EngineOptions.defaults().withMode(EngineOptions.Mode.BARRIER).withExchange(exchange).withTimeoutSeconds(600)
                        .withOverlap(false))   // the exchange alone: a one-layer model has no layers to overlap it with
                .stopAfter(warmup + steps)
                .onStep((epoch, step, loss, n, norm, t) -> {
                    if (step >= warmup) {
                        timed.add(new double[] {t.totalMillis(), t.totalMillis() - t.computeMillis() - t.aggregateMillis()});
                    }
                });
        trainer.fit(data, null, null);
        long[] bytes = trainer.driverBytes();
        double perStep = (bytes[0] + bytes[1]) / (double) (warmup + steps);
        return new Result(median(timed, 0), median(timed, 1), perStep, exchange == EngineOptions.Exchange.TREE ? treeDepth(tasks, sc) : 0);
    }

    /** Depth of the tree over the executors (tasks of an executor hang one level under its leader). */
    private static int treeDepth(int tasks, JavaSparkContext sc) {
        int executors = Math.max(1, sc.sc().getExecutorMemoryStatus().size() - 1);
        int depth = 0;
        for (int leaders = 1; leaders < executors; leaders = leaders * EngineOptions.DEFAULT_TREE_FANOUT + 1) {
            depth++;
        }
        return depth + (tasks > executors ? 1 : 0);
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * The bare limit: the driver sends {@code bytes} to a task on an executor over a plain socket and
     * reads as many back, 20 times after 5 untimed; the median in ms.
     */
    static double roundTripMillis(JavaSparkContext sc, long bytes) throws IOException {
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            int rounds = 25;
            Echo echo = new Echo(host, server.getLocalPort(), bytes, rounds);
            Thread job = new Thread(() -> sc.parallelize(List.of(0), 1).foreach(echo::run), "descent-bench-echo");
            job.setDaemon(true);
            job.start();
            server.setSoTimeout(120_000);
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                byte[] payload = new byte[(int) Math.min(bytes, Integer.MAX_VALUE)];
                double[] ms = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    out.write(payload);
                    out.flush();
                    in.readFully(payload);
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                }
                double[] timed = Arrays.copyOfRange(ms, 5, rounds);
                Arrays.sort(timed);
                return timed[timed.length / 2];
            } finally {
                try {
                    job.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The executor's half of the round trip: read the bytes, send them back. */
    record Echo(String host, int port, long bytes, int rounds) implements Serializable {
        void run(Integer ignored) throws IOException {
            try (Socket s = new Socket(host, port)) {
                s.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                byte[] payload = new byte[(int) bytes];
                for (int r = 0; r < rounds; r++) {
                    in.readFully(payload);
                    out.write(payload);
                    out.flush();
                }
            }
        }
    }
}
