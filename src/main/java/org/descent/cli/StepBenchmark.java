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
import org.descent.engine.LocalTrainer;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.SparkTrainer;
import org.descent.engine.spark.SyntheticBlocks;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.nn.Layer;
import org.descent.nn.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.tensor.Blas;
import org.descent.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench steps}: the job-per-step engine's step time split into compute, broadcast,
 * aggregation and the rest (scheduling, serialization, transfer), at several global batches and
 * dataset sizes, with the cached bytes per example — on synthetic rows generated on the executors.
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

    @Override
    public Integer call() {
        if (steps <= 0 || warmup < 0 || sizes.stream().anyMatch(s -> s <= 0) || batches.stream().anyMatch(b -> b <= 0)) {
            throw new UsageException("--steps, --sizes and --batches must be positive, --warmup ≥ 0");
        }
        List<Layer> layers = LayerSpecs.parseAll(List.of("dense(256)", "batch_norm", "relu", "dense(256)", "batch_norm", "relu", "dense(10)"));
        Sequential model = new Sequential(Shape.of(784), layers);
        SparkConf conf = new SparkConf().setAppName("descent bench steps").setMaster(master).set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13").set("spark.executorEnv.SPARK_TESTING", "1")
                .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1").set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            int partitions = sc.defaultParallelism();
            System.out.printf(Locale.ROOT, "Spark engine, one job per step: quickstart MLP 784-256-256-10 with BN, Adam; master %s, %d partitions%n",
                    master, partitions);
            System.out.println("BLAS: " + Blas.get().description());
            System.out.printf(Locale.ROOT, "%-10s %-6s %10s %10s %10s %10s %10s %14s%n", "rows", "batch", "step ms", "compute", "broadcast",
                    "aggregate", "overhead", "cached B/row");
            for (long rows : sizes) {
                JavaRDD<Block> data = SyntheticBlocks.gaussianMixture(sc, rows, 784, 10, 1.0, partitions, 3);
                Blocks.cache(data, org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
                Blocks.StorageReport cache = Blocks.storageReport(sc, data);
                for (int batch : batches) {
                    List<SparkTrainer.StepTiming> timings = new ArrayList<>();
                    new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of()),
                            new LocalTrainer.Settings(batch, 1, 1, false))
                            .stopAfter(warmup + steps)
                            .onStep((epoch, step, loss, examples, t) -> {
                                if (step >= warmup) {
                                    timings.add(t);
                                }
                            })
                            .fit(data, null, null);
                    System.out.printf(Locale.ROOT, "%-10d %-6d %10.1f %10.1f %10.1f %10.1f %10.1f %14.0f%n", rows, batch,
                            median(timings, SparkTrainer.StepTiming::totalMillis), median(timings, SparkTrainer.StepTiming::computeMillis),
                            median(timings, SparkTrainer.StepTiming::fetchMillis), median(timings, SparkTrainer.StepTiming::aggregateMillis),
                            median(timings, SparkTrainer.StepTiming::overheadMillis), (double) cache.cachedBytes() / cache.examples());
                }
                data.unpersist(true);
            }
            System.out.printf(Locale.ROOT, "raw float32 bytes per row: %d (784 features + 1 label)%n", 4 * 785);
        }
        return 0;
    }

    private static double median(List<SparkTrainer.StepTiming> ts, java.util.function.ToDoubleFunction<SparkTrainer.StepTiming> f) {
        double[] v = ts.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }
}
