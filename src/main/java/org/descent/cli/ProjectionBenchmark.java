package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.bench.ThroughputBenchmark;
import org.descent.engine.EngineOptions;
import org.descent.engine.ExchangeCostModel;
import org.descent.engine.ParameterUpdater;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.SyntheticBlocks;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.report.LineChart;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench project}: the {@link ExchangeCostModel} calibrated on this machine and checked
 * against it, then projected to clusters it cannot hold. Calibration: a bare socket round trip of two
 * sizes between the driver and an executor JVM gives the link's α and β; each model's compute per
 * executor batch and the driver's Adam update are timed on one thread here. Check: the exchange of a
 * 270k-parameter model measured on local-cluster at W = 1, 2, 4, 8 executors, star and tree, against
 * the model's prediction for the same link (its error printed). Projection: step time and weak-scaling
 * efficiency at 8 … 512 executors on 10, 25 and 100 GbE for the quickstart MLP, the BN CNN and a
 * 25M-parameter MLP, star, tree, chain and overlapped tree, with the assumptions printed and a plot.
 */
@Command(name = "project", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The exchange's cost model: calibrated on this machine (socket round trips, compute and update timed here), checked "
                + "against local-cluster at W = 1, 2, 4, 8, and projected to 8..512 executors on 10/25/100 GbE with its assumptions and a plot.")
final class ProjectionBenchmark implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "128", description = "Examples per executor per step (weak scaling) (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--check-executors", defaultValue = "1,2,4,8", split = ",", description = "Executors for the check on local-cluster (default ${DEFAULT-VALUE}).")
    List<Integer> checkExecutors;
    @Option(names = "--alpha-us", defaultValue = "25", description = "Assumed per-message latency of the projected networks, µs (default ${DEFAULT-VALUE}).")
    double alphaMicros;
    @Option(names = "--plot", description = "PNG of the efficiency at 25 GbE against the number of executors.")
    Path plot;
    @Option(names = "--steps", defaultValue = "20", description = "Timed exchange steps in the check (default ${DEFAULT-VALUE}).")
    int steps;

    private static final int[] PROJECTED = {8, 16, 32, 64, 128, 256, 512};
    private static final double[] GBITS = {10, 25, 100};
    private static final double CHUNK = 64 * 1024;

    /** A model to project: its parameters, its first trained layer's share of them, one executor's compute and the driver's update. */
    record Workload(String name, long params, double firstShare, double computeSeconds, double updateSeconds) {
    }

    @Override
    public Integer call() throws IOException {
        if (batch <= 0 || steps <= 0 || alphaMicros < 0 || checkExecutors.stream().anyMatch(w -> w < 1)) {
            throw new UsageException("--batch and --steps must be positive, --alpha-us ≥ 0, --check-executors ≥ 1");
        }
        System.out.println("Exchange cost model (ExchangeCostModel's Javadoc has the formulas); BLAS: " + Blas.get().description());
        List<Workload> workloads = new ArrayList<>();
        workloads.add(workload("mlp 784-256-256-10", Models.mlp(784, 256, 256, 10), 20));
        workloads.add(workload("cnn (BN) 32-64-128", Models.fashionCnn(true), 3));
        workloads.add(workload("mlp25m 784-4096-4096-1024-10", Models.mlp(784, 4096, 4096, 1024, 10), 2));
        System.out.printf(Locale.ROOT, "%-30s %12s %12s %22s %18s%n", "model", "parameters", "first layer", "compute ms / executor", "driver Adam ms");
        for (Workload w : workloads) {
            System.out.printf(Locale.ROOT, "%-30s %12d %11.1f%% %22.2f %18.2f%n", w.name(), w.params(), 100 * w.firstShare(), w.computeSeconds() * 1e3,
                    w.updateSeconds() * 1e3);
        }
        System.out.printf(Locale.ROOT, "(compute: one thread, a batch of %d per executor, forward and backward; update: Adam over the parameters)%n", batch);

        ExchangeCostModel engine = null;
        System.out.println();
        System.out.println("Calibration and check on this machine (loopback between JVMs): the engine's link fitted to its own exchange at W = 1 "
                + "(bench exchange's one-layer models of 270k and 4M parameters, star), beside the bare socket's; then the model against the "
                + "measured exchange of the 270k model at each W");
        System.out.printf(Locale.ROOT, "%-4s %-5s %12s %12s %8s%n", "W", "exch.", "measured ms", "model ms", "error");
        double worst = 0;
        for (int w : checkExecutors) {
            try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf("descent bench project", "local-cluster[" + w + ",1,1024]")
                    .set("spark.ui.enabled", "false").set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                    .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120"))) {
                sc.setLogLevel("ERROR");
                JavaRDD<Block> data = SyntheticBlocks.gaussianMixture(sc, w * 64L, ExchangeBenchmark.IN, 10, 1.0, w, 5);
                Blocks.cache(data, org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
                Sequential model = ExchangeBenchmark.exchangeModel(270_000);
                if (engine == null) {
                    Sequential large = ExchangeBenchmark.exchangeModel(4_000_000);
                    double small = 4.0 * model.paramCount();
                    double big = 4.0 * large.paramCount();
                    double exSmall = ExchangeBenchmark.measure(sc, model, data, w, EngineOptions.Exchange.STAR, 8, steps).exchangeMillis() / 1e3;
                    double exBig = ExchangeBenchmark.measure(sc, large, data, w, EngineOptions.Exchange.STAR, 4, Math.max(5, steps / 2)).exchangeMillis() / 1e3;
                    engine = ExchangeCostModel.fit(small, exSmall, big, exBig, CHUNK);
                    double rttSmall = ExchangeBenchmark.roundTripMillis(sc, (long) small) / 1e3;
                    double rttBig = ExchangeBenchmark.roundTripMillis(sc, (long) big) / 1e3;
                    ExchangeCostModel socket = ExchangeCostModel.fit(small, rttSmall, big, rttBig, CHUNK);
                    System.out.printf(Locale.ROOT, "engine link: exchanges of %.1f MB (%.2f ms) and %.1f MB (%.2f ms) -> alpha %.0f us, %.2f GB/s; "
                            + "bare socket (the limit): %.2f and %.2f ms -> alpha %.0f us, %.2f GB/s%n", small / 1e6, exSmall * 1e3, big / 1e6, exBig * 1e3,
                            engine.alpha() * 1e6, 1 / engine.beta() / 1e9, rttSmall * 1e3, rttBig * 1e3, socket.alpha() * 1e6, 1 / socket.beta() / 1e9);
                }
                for (EngineOptions.Exchange x : List.of(EngineOptions.Exchange.STAR, EngineOptions.Exchange.TREE)) {
                    ExchangeBenchmark.Result r = ExchangeBenchmark.measure(sc, model, data, w, x, 8, steps);
                    ExchangeCostModel.Topology t = x == EngineOptions.Exchange.STAR ? ExchangeCostModel.Topology.STAR : ExchangeCostModel.Topology.TREE;
                    double predicted = engine.exchangeSeconds(t, w, model.paramCount(), EngineOptions.DEFAULT_TREE_FANOUT) * 1e3;
                    double error = (predicted - r.exchangeMillis()) / r.exchangeMillis();
                    worst = Math.max(worst, Math.abs(error));
                    System.out.printf(Locale.ROOT, "%-4d %-5s %12.2f %12.2f %+7.0f%%%n", w, EngineOptions.name(x), r.exchangeMillis(), predicted, 100 * error);
                }
                data.unpersist(true);
            }
        }
        System.out.printf(Locale.ROOT, "largest error %.0f%% (W executors and the driver share this machine's 2 cores, and all links one memory bus; "
                + "a cluster gives each its own)%n", 100 * worst);

        System.out.println();
        System.out.printf(Locale.ROOT, "Projection, weak scaling (%d examples per executor per step, 1 core each): assumed alpha %.0f us per message, "
                + "links at full rate, no stragglers, chunks of %.0f KB, tree fan-out %d%n", batch, alphaMicros, CHUNK / 1024, EngineOptions.DEFAULT_TREE_FANOUT);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-8s %-30s %-16s", "network", "model", "exchange"));
        for (int w : PROJECTED) {
            head.append(String.format(Locale.ROOT, " %7s", "W=" + w));
        }
        System.out.println(head + "   (efficiency (C+u)/T(W): one process's step without exchange over the step; step ms at W=128)");
        LineChart chart = new LineChart("Projected weak-scaling efficiency, 25 GbE", "executors", "efficiency (C+u)/T(W)");
        for (double gbits : GBITS) {
            ExchangeCostModel net = ExchangeCostModel.network(gbits, alphaMicros * 1e-6, CHUNK);
            for (Workload wl : workloads) {
                for (ExchangeCostModel.Topology t : ExchangeCostModel.Topology.values()) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s %-30s %-16s", (int) gbits + " GbE", wl.name(),
                            t.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
                    double[] x = new double[PROJECTED.length];
                    double[] y = new double[PROJECTED.length];
                    for (int i = 0; i < PROJECTED.length; i++) {
                        x[i] = PROJECTED[i];
                        y[i] = net.efficiency(t, PROJECTED[i], wl.params(), wl.firstShare(), EngineOptions.DEFAULT_TREE_FANOUT, wl.computeSeconds(),
                                wl.updateSeconds());
                        row.append(String.format(Locale.ROOT, " %6.1f%%", 100 * y[i]));
                    }
                    double step128 = net.stepSeconds(t, 128, wl.params(), wl.firstShare(), EngineOptions.DEFAULT_TREE_FANOUT, wl.computeSeconds(),
                            wl.updateSeconds());
                    System.out.println(row + String.format(Locale.ROOT, "   %8.1f ms", step128 * 1e3));
                    if (gbits == 25 && t != ExchangeCostModel.Topology.STAR) {
                        chart.add(wl.name().split(" ")[0] + ", " + t.name().toLowerCase(Locale.ROOT).replace('_', ' '), x, y, LineChart.Style.LINE_AND_MARKERS, null);
                    }
                }
            }
        }
        System.out.println("References: Horovod (Sergeev & Del Balso 2018): 88% scaling efficiency at 128 GPUs over 25 GbE TCP with a ring allreduce "
                + "(Inception V3, ResNet-101); BigDL (Dai et al. 2019): two Spark jobs per iteration, so each step pays two job launches "
                + "(bench steps prints what an empty job costs here: 8-14 ms) before any transfer.");
        if (plot != null) {
            chart.yMax(1.02).writePng(plot, 900, 560);
            System.out.println("plot: " + plot);
        }
        return 0;
    }

    /** Compute per executor batch and the driver's update for {@code model}, timed on one thread. */
    private Workload workload(String name, Sequential model, int stepsToTime) {
        ThroughputBenchmark.Throughput t = ThroughputBenchmark.measure(model, batch, stepsToTime, Math.max(1, stepsToTime / 4), 3);
        double step = batch / t.median();
        ParameterUpdater updater = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 1e-3)), model.layout(), false);
        float[] params = model.initParams(1);
        float[] grads = params.clone();
        int rounds = Math.max(3, (int) Math.min(200, 2e8 / params.length));
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            updater.apply(params, grads, batch, i);
            ms[i] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(ms);
        double update = ms[rounds / 2];
        int first = model.firstTrainedLayer();
        long firstParams = model.layout().segments().stream().filter(seg -> seg.layer() == first).mapToLong(seg -> seg.end() - seg.offset()).sum();
        return new Workload(name, model.paramCount(), firstParams / (double) model.paramCount(), Math.max(0, step - update), update);
    }
}
