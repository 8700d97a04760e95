package org.descent.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.descent.bench.TorchBaseline;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.SparkTrainer;
import org.descent.engine.spark.SyntheticBlocks;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench engine}: end-to-end training throughput of the Spark engine (examples/s of
 * whole steps: the driver's Adam update, the parameter exchange and every partition's forward and
 * backward) for each Spark master given, beside PyTorch on CPU with as many intra-op threads as the
 * master has task slots. With several masters (e.g. {@code local-cluster[1,1,2048]} and
 * {@code local-cluster[2,1,2048]}, or standalone clusters of 1 and 2 workers) it also prints the
 * scaling relative to the first.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Training examples/s of the Spark engine (whole steps, barrier or job mode) on each master, beside PyTorch "
                + "with as many threads as the master has task slots, and the scaling between masters; with several models, each is measured in a JVM of its own.")
final class EngineThroughputBenchmark implements Callable<Integer> {
    @Option(names = "--masters", defaultValue = "local[1];local[2]", split = ";",
            description = "Spark masters, separated by ';'; MASTER@N caps a cluster at N cores (spark.cores.max), e.g. "
                    + "spark://127.0.0.1:7077@1 for one executor of a standalone cluster (default ${DEFAULT-VALUE}).")
    List<String> masters;
    @Option(names = "--models", defaultValue = "mlp,cnn", split = ",", description = "Models among mlp (784-256-256-10), cnn (the BN CNN) (default ${DEFAULT-VALUE}).")
    List<String> models;
    @Option(names = "--batch", defaultValue = "128", description = "Global batch (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--steps", defaultValue = "150", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--warmup", defaultValue = "50", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--rounds", defaultValue = "1",
            description = "Rounds per row: Descent and PyTorch are measured alternately this many times and the medians are "
                    + "compared, so that a noisy moment of a shared machine weighs on both sides (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--mode", defaultValue = "barrier", description = "Step mode: barrier or job (default ${DEFAULT-VALUE}).")
    String mode;
    @Option(names = "--transports", defaultValue = "auto", split = ",",
            description = "Barrier mode's links (engine.transport) to measure: auto (in process for tasks in the driver's JVM), tcp "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> transports;
    @Option(names = "--exchanges", defaultValue = "auto", split = ",",
            description = "Barrier mode's exchanges (engine.exchange) to measure: auto, star, tree (default ${DEFAULT-VALUE}).")
    List<String> exchanges;
    @Option(names = "--overlap", defaultValue = "on", split = ",",
            description = "engine.overlap values to measure: on (a task's gradient leaves during backward), off (after it) "
                    + "(default ${DEFAULT-VALUE}); with both, the variants are named link/exchange/overlap.")
    List<String> overlaps;
    @Option(names = "--rows", defaultValue = "20000", description = "Synthetic training rows (default ${DEFAULT-VALUE}).")
    long rows;
    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the baseline (default ${DEFAULT-VALUE}).")
    String python;
    @Option(names = "--no-torch", description = "Skip the PyTorch baseline.")
    boolean noTorch;

    /** One measured row. */
    record Row(String master, int slots, String model, String transport, double descent, double torch) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (batch <= 0 || steps <= 0 || warmup < 0 || rows < batch || rounds <= 0) {
            throw new UsageException("--batch, --steps and --rounds must be positive, --warmup ≥ 0 and --rows ≥ --batch");
        }
        if (!mode.equals("barrier") && !mode.equals("job")) {
            throw new UsageException("--mode: unknown step mode '" + mode + "'; accepted: barrier, job");
        }
        for (String m : models) {
            if (!m.equals("mlp") && !m.equals("cnn")) {
                throw new UsageException("--models: unknown model '" + m + "' (known: mlp, cnn)");
            }
        }
        for (String t : transports) {
            if (!t.equals("auto") && !t.equals("tcp")) {
                throw new UsageException("--transports: unknown transport '" + t + "' (known: auto, tcp)");
            }
        }
        for (String x : exchanges) {
            if (!x.equals("auto") && !x.equals("star") && !x.equals("tree")) {
                throw new UsageException("--exchanges: unknown exchange '" + x + "' (known: auto, star, tree)");
            }
        }
        for (String o : overlaps) {
            if (!o.equals("on") && !o.equals("off")) {
                throw new UsageException("--overlap: unknown value '" + o + "' (known: on, off)");
            }
        }
        if (mode.equals("job") && (transports.size() > 1 || exchanges.size() > 1 || overlaps.size() > 1)) {
            throw new UsageException("--transports, --exchanges, --overlap: job mode has no barrier link to choose; give one of each");
        }
        if (models.size() > 1) {
            return eachModelInItsOwnJvm();
        }
        List<String> variants = new ArrayList<>();
        for (String t : transports) {
            for (String x : exchanges) {
                for (String o : overlaps) {
                    variants.add(t + "/" + x + (overlaps.size() > 1 ? "/" + o : ""));
                }
            }
        }
        TorchBaseline torch = new TorchBaseline(python);
        Optional<String> torchMissing = noTorch ? Optional.of("--no-torch") : torch.unavailableReason();
        System.out.printf(Locale.ROOT, "Spark engine training throughput, global batch %d, %s mode, Adam: examples/s over %d steps after %d untimed%s%n",
                batch, mode, steps, warmup, rounds > 1 ? String.format(Locale.ROOT, ", median of %d alternating rounds", rounds) : "");
        System.out.println("Descent BLAS: " + Blas.get().description());
        List<Row> table = new ArrayList<>();
        String torchInfo = null;
        for (String entry : masters) {
            java.util.regex.Matcher capped = java.util.regex.Pattern.compile("(.+)@(\\d+)").matcher(entry);
            String master = capped.matches() ? capped.group(1) : entry;
            SparkConf conf = SparkSetup.conf("descent bench engine", master).set("spark.ui.enabled", "false").setIfMissing("spark.executor.cores", "1")
                    .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s")
                    .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
            if (capped.matches()) {
                conf.set("spark.cores.max", capped.group(2));
            }
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                sc.setLogLevel("ERROR");
                int slots = slots(sc, capped.matches() ? Integer.parseInt(capped.group(2)) : 0);
                JavaRDD<Block> data = SyntheticBlocks.gaussianMixture(sc, rows, 784, 10, 1.0, slots, 3);
                Blocks.cache(data, StorageLevel.MEMORY_ONLY());
                for (String m : models) {
                    Sequential model = m.equals("mlp") ? Models.mlp(784, 256, 256, 10) : Models.fashionCnn(true);
                    double[][] descent = new double[variants.size()][rounds];
                    double[] baseline = new double[rounds];
                    for (int round = 0; round < rounds; round++) {
                        for (int t = 0; t < variants.size(); t++) {
                            String[] v = variants.get(t).split("/");
                            boolean overlap = v.length > 2 ? v[2].equals("on") : overlaps.get(0).equals("on");
                            descent[t][round] = measure(sc, model, data, v[0].equals("auto"), v[1], overlap);
                            System.out.printf(Locale.ROOT, "  %s (%d slots), %s, %s, %s exchange%s: %.0f examples/s%n", entry, slots, m, link(sc, v[0]),
                                    lastExchange, mode.equals("barrier") ? overlap ? ", overlapped" : ", not overlapped" : "", descent[t][round]);
                        }
                        baseline[round] = Double.NaN;
                        if (torchMissing.isEmpty()) {
                            TorchBaseline.Measurement tm = torch.measure(m, batch, steps, warmup, slots);
                            baseline[round] = tm.examplesPerSecond();
                            torchInfo = "PyTorch " + tm.torchVersion() + ": libblas.so.3 → " + tm.blas() + (tm.mkldnn() ? "; convolutions through oneDNN" : "");
                            if (rounds > 1) {
                                System.out.printf(Locale.ROOT, "  %s, %s, PyTorch %d thread(s): %.0f examples/s%n", entry, m, slots, baseline[round]);
                            }
                        }
                    }
                    for (int t = 0; t < variants.size(); t++) {
                        table.add(new Row(entry, slots, m, variants.get(t), median(descent[t]), median(baseline)));
                    }
                }
                data.unpersist(true);
            }
        }
        System.out.println(torchInfo != null ? torchInfo : "PyTorch: skipped (" + torchMissing.orElse("") + ")");
        System.out.printf(Locale.ROOT, "%-28s %-5s %-6s %-14s %12s %16s %10s %12s%n", "master", "slots", "model", "link/exch.", "descent ex/s", "pytorch ex/s",
                "ratio", "vs first");
        for (Row r : table) {
            Row first = table.stream().filter(f -> f.model().equals(r.model()) && f.transport().equals(r.transport())).findFirst().orElse(r);
            System.out.printf(Locale.ROOT, "%-28s %-5d %-6s %-14s %12.0f %16s %10s %11.2fx%n", r.master(), r.slots(), r.model(), r.transport(), r.descent(),
                    Double.isNaN(r.torch()) ? "skipped" : String.format(Locale.ROOT, "%.0f (%d thr)", r.torch(), r.slots()),
                    Double.isNaN(r.torch()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.descent() / r.torch()), r.descent() / first.descent());
        }
        System.out.println("ratio = Descent / PyTorch (target >= 1.0); vs first = Descent's examples/s over the first master's, same link (scaling).");
        if (mode.equals("barrier")) {
            System.out.println("link = engine.transport: auto passes steps in process to tasks in the driver's JVM (local masters), TCP to others; tcp: always TCP.");
            System.out.println("exch. = engine.exchange: star (the driver sends to and hears from every task), tree (one copy per executor, executors in a "
                    + "tree, the driver sends once and hears one sum); auto: the tree from " + EngineOptions.TREE_FROM_EXECUTORS + " executor JVMs or several tasks per executor.");
            System.out.println("overlap = engine.overlap: on, a task with a TCP line up sends its gradient in segments while backward runs; off, after it.");
        }
        return 0;
    }

    /**
     * Several models: each one's whole benchmark (every master, link and round, and its table) in a JVM of its own
     * ({@link ChildJvm}), one after the other, so that neither model runs code compiled for the other (in a local master
     * the tasks run in this JVM).
     */
    private int eachModelInItsOwnJvm() throws IOException, InterruptedException {
        System.out.println(ChildJvm.EACH_MODEL_NOTE);
        for (String m : models) {
            List<String> args = new ArrayList<>(List.of("bench", "engine", "--models", m, "--masters", String.join(";", masters),
                    "--batch", Integer.toString(batch), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
                    "--rounds", Integer.toString(rounds), "--mode", mode, "--transports", String.join(",", transports),
                    "--exchanges", String.join(",", exchanges), "--overlap", String.join(",", overlaps), "--rows", Long.toString(rows),
                    "--python", python));
            if (noTorch) {
                args.add("--no-torch");
            }
            int code = ChildJvm.run(args, System.out::println);
            if (code != 0) {
                throw new IllegalStateException("the JVM measuring " + m + " exited with code " + code);
            }
        }
        return 0;
    }

    /**
     * Task slots: from the master string for local masters; on a cluster, the executors that have registered
     * (one core each, as this benchmark asks) once {@code expected} have (0: once none has joined for 5 s).
     */
    private static int slots(JavaSparkContext sc, int expected) throws InterruptedException {
        if (sc.master().startsWith("local")) {
            return SparkSetup.taskSlots(sc);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        int seen = 0;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            int executors = sc.sc().getExecutorMemoryStatus().size() - 1;   // minus the driver
            if (executors != seen) {
                seen = executors;
                lastChange = System.currentTimeMillis();
            }
            if (expected > 0 ? seen >= expected : seen > 0 && System.currentTimeMillis() - lastChange > 5_000) {
                break;
            }
            Thread.sleep(200);
        }
        if (seen == 0) {
            throw new IllegalStateException(sc.master() + ": no executor registered within 60 s");
        }
        return seen * sc.getConf().getInt("spark.executor.cores", 1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** How the tasks of this master reach the driver under {@code transport}. */
    private String link(JavaSparkContext sc, String transport) {
        if (mode.equals("job")) {
            return "job mode";
        }
        boolean sameJvm = sc.master().startsWith("local") && !sc.master().startsWith("local-cluster");
        return transport.equals("auto") && sameJvm ? "in process" : "TCP";
    }

    /** Examples/s of whole steps: the batch times the timed steps over their summed wall time. */
    private String lastExchange = "";

    private double measure(JavaSparkContext sc, Sequential model, JavaRDD<Block> data, boolean inProcessLinks, String exchange, boolean overlap) {
        double[] millis = new double[1];
        int[] timed = new int[1];
        SparkTrainer trainer = new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()),
                new LocalTrainer.Settings(batch, 1_000_000, 1, false))
                .stopAfter(warmup + steps)
                .onStep((epoch, step, loss, examples, norm, t) -> {
                    if (step >= warmup) {
                        millis[0] += t.totalMillis();
                        timed[0]++;
                    }
                });
        trainer.engine(mode.equals("barrier")
                ? EngineOptions.defaults().withMode(EngineOptions.Mode.BARRIER).withExchange(EngineOptions.parse(EngineOptions.Exchange.class, exchange))
                        .withTransport(inProcessLinks ? EngineOptions.Transport.AUTO : EngineOptions.Transport.TCP).withOverlap(overlap)
                : EngineOptions.defaults().withMode(EngineOptions.Mode.JOB));
        trainer.fit(data, null, null);
        lastExchange = trainer.resolved().exchange() == null ? "no" : EngineOptions.name(trainer.resolved().exchange());
        return batch * (double) timed[0] / (millis[0] / 1000);
    }
}
