package org.descent.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
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
import org.descent.nn.Layer;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Blas;
import org.descent.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench steps}: the engine's step time split into compute, synchronized batch norm's
 * exchanges, broadcast, aggregation and the rest (scheduling, serialization, transfer), for the
 * job-per-step and barrier modes (and barrier with synchronized BN, {@code barrier-sync}) side by side,
 * at several global batches and dataset sizes, with the cached bytes per example — on
 * synthetic rows generated on the executors.
 */
@Command(name = "steps", mixinStandardHelpOptions = true,
        description = "Per-step time of the Spark engine split into compute, broadcast, aggregation and overhead, at several global "
                + "batches and dataset sizes (synthetic rows generated on the executors), with cached bytes per example.")
final class StepBenchmark implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--sizes", defaultValue = "60000,600000", split = ",", description = "Dataset sizes in rows (default ${DEFAULT-VALUE}).")
    List<Long> sizes;
    @Option(names = "--batches", defaultValue = "256,1024", split = ",", description = "Global batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batches;
    @Option(names = "--steps", defaultValue = "40", description = "Timed steps per configuration (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--warmup", defaultValue = "15", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--modes", defaultValue = "job,barrier", split = ",",
            description = "Step modes to compare: job, barrier, barrier-serial (barrier with engine.overlap = false: a task receives the whole "
                    + "step before forward and sends its gradient after backward), barrier-sync (barrier with synchronized batch norm) "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> modes;
    @Option(names = "--partitions", defaultValue = "0", description = "Data partitions; 0: one per task slot (default ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--features", defaultValue = "784", description = "Features per synthetic row, the MLP's input width; fewer let "
            + "millions of rows fit a small machine's memory (default ${DEFAULT-VALUE}).")
    int features;

    @Override
    public Integer call() throws java.io.IOException {
        if (steps <= 0 || warmup < 0 || partitions < 0 || features <= 0 || sizes.stream().anyMatch(s -> s <= 0) || batches.stream().anyMatch(b -> b <= 0)) {
            throw new UsageException("--steps, --sizes, --batches and --features must be positive, --warmup and --partitions ≥ 0");
        }
        for (String m : modes) {
            if (!List.of("job", "barrier", "barrier-serial", "barrier-sync").contains(m)) {
                throw new UsageException("--modes: unknown step mode '" + m + "'; accepted: job, barrier, barrier-serial, barrier-sync");
            }
        }
        List<Layer> layers = LayerSpecs.parseAll(List.of("dense(256)", "batch_norm", "relu", "dense(256)", "batch_norm", "relu", "dense(10)"));
        Sequential model = new Sequential(Shape.of(features), layers);
        SparkConf conf = SparkSetup.conf("descent bench steps", master).set("spark.ui.enabled", "false")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            int parts = partitions > 0 ? partitions : sc.defaultParallelism();
            System.out.printf(Locale.ROOT, "Spark engine step time: quickstart MLP %d-256-256-10 with BN (local), Adam; master %s, %d partitions%n",
                    features, master, parts);
            System.out.println("BLAS: " + Blas.get().description());
            System.out.println("median ms per step; compute = the slowest task's arithmetic; bn sync = its longest wait in synchronized batch "
                    + "norm's exchanges; broadcast = job mode's broadcast fetch / barrier mode's parameter send; "
                    + "other = scheduling, serialization, transfer; overhead = step - compute");
            System.out.printf(Locale.ROOT, "%-15s %-10s %-6s %9s %9s %9s %9s %9s %9s %9s %13s%n", "mode", "rows", "batch", "step", "compute", "bn sync",
                    "broadcast", "aggregate", "other", "overhead", "cached B/row");
            for (long rows : sizes) {
                JavaRDD<Block> data = SyntheticBlocks.gaussianMixture(sc, rows, features, 10, 1.0, parts, 3);
                Blocks.cache(data, org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
                Blocks.StorageReport cache = Blocks.storageReport(sc, data);
                if (rows == sizes.get(0)) {
                    // Untimed: executors' JIT and Spark's first-stage costs, so the first row of the table is not penalized.
                    for (String mode : modes) {
                        SparkTrainer trainer = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()),
                                new LocalTrainer.Settings(batches.get(0), 1, 1, false)).stopAfter(warmup + steps);
                        trainer.engine(engineFor(mode));
                        trainer.fit(data, null, null);
                    }
                }
                for (int batch : batches) {
                    Map<String, Double> overhead = new java.util.LinkedHashMap<>();
                    for (String mode : modes) {
                        List<SparkTrainer.StepTiming> timings = new ArrayList<>();
                        SparkTrainer trainer = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()),
                                new LocalTrainer.Settings(batch, 1, 1, false))
                                .stopAfter(warmup + steps)
                                .onStep((epoch, step, loss, examples, norm, t) -> {
                                    if (step >= warmup) {
                                        timings.add(t);
                                    }
                                });
                        trainer.engine(engineFor(mode));
                        trainer.fit(data, null, null);
                        double total = median(timings, SparkTrainer.StepTiming::totalMillis);
                        if (mode.equals("job")) {
                            jobFixed = median(timings, t -> t.totalMillis() - t.computeMillis() - t.aggregateMillis());
                        }
                        double compute = median(timings, SparkTrainer.StepTiming::computeMillis);
                        double stepMinusCompute = median(timings, t -> t.totalMillis() - t.computeMillis());
                        overhead.put(mode, stepMinusCompute);
                        System.out.printf(Locale.ROOT, "%-15s %-10d %-6d %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %13.0f%n", mode, rows, batch, total, compute,
                                median(timings, SparkTrainer.StepTiming::syncMillis), median(timings, SparkTrainer.StepTiming::fetchMillis), median(timings, SparkTrainer.StepTiming::aggregateMillis),
                                median(timings, SparkTrainer.StepTiming::overheadMillis), stepMinusCompute, (double) cache.cachedBytes() / cache.examples());
                    }
                    if (overhead.containsKey("job")) {
                        double empty = emptyJobMillis(sc, parts);
                        System.out.printf(Locale.ROOT, "         rows %d, batch %d: job mode's fixed cost (step - compute - aggregate) %.2f ms vs an empty Spark job of "
                                + "%d tasks %.2f ms: %.2fx (target <= 1.5x)%n", rows, batch, jobFixed, parts, empty, jobFixed / empty);
                    }
                    boolean executorJvms = !sc.master().startsWith("local[") && !sc.master().equals("local");
                    if (executorJvms && overhead.keySet().stream().anyMatch(m -> m.startsWith("barrier"))) {
                        // The limit of a TCP exchange: the model's bytes to an executor JVM and back over a bare socket, measured now.
                        double rtt = ExchangeBenchmark.roundTripMillis(sc, 4L * model.paramCount());
                        for (Map.Entry<String, Double> o : overhead.entrySet()) {
                            if (o.getKey().startsWith("barrier")) {
                                System.out.printf(Locale.ROOT, "         rows %d, batch %d: %s overhead %.2f ms vs a bare socket round trip of the model's %.2f MB "
                                        + "between the driver and an executor JVM %.2f ms: %.2fx (target <= 1 ms and <= 2x)%n", rows, batch, o.getKey(), o.getValue(),
                                        4e-6 * model.paramCount(), rtt, o.getValue() / rtt);
                            }
                        }
                    }
                    if (overhead.containsKey("job") && overhead.containsKey("barrier")) {
                        System.out.printf(Locale.ROOT, "         rows %d, batch %d: barrier overhead %.2f ms vs job %.2f ms: %.1fx lower (target >= 5x, <= 3 ms)%n",
                                rows, batch, overhead.get("barrier"), overhead.get("job"), overhead.get("job") / overhead.get("barrier"));
                    }
                }
                data.unpersist(true);
            }
            System.out.printf(Locale.ROOT, "raw float32 bytes per row: %d (%d features + 1 label)%n", 4 * (features + 1), features);
        }
        return 0;
    }

    private double jobFixed;

    /** The median time of an empty Spark job of {@code tasks} tasks, after as many untimed (the reference for job mode's fixed cost). */
    static double emptyJobMillis(JavaSparkContext sc, int tasks) {
        JavaRDD<Integer> empty = sc.parallelize(java.util.stream.IntStream.range(0, tasks).boxed().toList(), tasks);
        double[] ms = new double[200];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            empty.foreach(x -> { });
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double[] timed = Arrays.copyOfRange(ms, 100, ms.length);
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }

    /** job, barrier (the star), barrier-serial (the star without overlap) or barrier-sync as engine options. */
    static EngineOptions engineFor(String mode) {
        EngineOptions job = EngineOptions.defaults().withMode(EngineOptions.Mode.JOB);
        return mode.startsWith("barrier")
                ? job.withMode(EngineOptions.Mode.BARRIER).withExchange(EngineOptions.Exchange.STAR).withSyncBatchNorm(mode.equals("barrier-sync"))
                        .withOverlap(!mode.equals("barrier-serial"))
                : job;
    }

    private static double median(List<SparkTrainer.StepTiming> ts, java.util.function.ToDoubleFunction<SparkTrainer.StepTiming> f) {
        double[] v = ts.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }
}
