package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.Standardizer;
import org.descent.engine.BatchPlan;
import org.descent.engine.EngineOptions;
import org.descent.engine.LocalTrainer;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.IdxBlocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.SparkTrainer;
import org.descent.app.TrainingJob;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.optim.Optimizers;
import org.descent.report.LineChart;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench syncbn}: what synchronized batch norm is for — small per-worker batches.
 * The BN CNN is trained on Fashion-MNIST with a global batch split over many partitions (4 × 8 by
 * default) with per-partition ({@code local}) and synchronized ({@code sync}) batch norm, beside
 * the single-process reference (one partition normalizing the whole batch). All three walk the
 * same global permutation, so they see the same batches; test accuracy is printed every k steps
 * and plotted.
 */
@Command(name = "syncbn", mixinStandardHelpOptions = true,
        description = "Test accuracy of the BN CNN trained with small per-partition batches: local vs synchronized batch norm vs "
                + "one process normalizing the whole batch, on the same batches; printed every k steps and plotted.")
final class SyncBatchNormBenchmark implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[4]", description = "Spark master with a task slot per partition (default ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--data", defaultValue = "data/fashion-mnist", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    String data;
    @Option(names = "--partitions", defaultValue = "4", description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--per-partition", defaultValue = "8", description = "Examples per partition per step (default ${DEFAULT-VALUE}).")
    int perPartition;
    @Option(names = "--steps", defaultValue = "600", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--every", defaultValue = "100", description = "Evaluate the test set every this many steps (default ${DEFAULT-VALUE}).")
    int every;
    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--plot", description = "Write the test-accuracy curves to this PNG.")
    Path plot;

    @Override
    public Integer call() throws IOException {
        if (partitions < 2 || perPartition <= 0 || steps <= 0 || every <= 0) {
            throw new UsageException("--partitions must be ≥ 2; --per-partition, --steps and --every positive");
        }
        int batch = partitions * perPartition;
        SparkConf conf = SparkSetup.conf("descent bench syncbn", master).set("spark.ui.enabled", "false")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s")
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            String dir = org.descent.io.DriverPaths.qualify(data);
            JavaRDD<Block> spread = IdxBlocks.read(sc, dir, "train", partitions);
            Standardizer standardizer = IdxBlocks.fitStandardizer(spread);
            spread = IdxBlocks.standardize(spread, standardizer);
            JavaRDD<Block> single = IdxBlocks.standardize(IdxBlocks.read(sc, dir, "train", 1), standardizer);
            JavaRDD<Block> test = IdxBlocks.standardize(IdxBlocks.read(sc, dir, "t10k", partitions), standardizer);
            Sequential cnn = Models.fashionCnn(true);
            System.out.printf(Locale.ROOT, "Batch norm with small per-partition batches: Fashion-MNIST BN CNN, Adam 1e-3, global batch %d "
                    + "(%d partitions x %d), barrier mode, the same global walk for all; master %s%n", batch, partitions, perPartition, master);
            System.out.println("BLAS: " + Blas.get().description());
            Map<String, List<double[]>> curves = new LinkedHashMap<>();
            curves.put("single process (BN over " + batch + ")", run(sc, cnn, single, test, batch, false));
            curves.put("sync BN (" + partitions + " x " + perPartition + ")", run(sc, cnn, spread, test, batch, true));
            curves.put("local BN (" + partitions + " x " + perPartition + ")", run(sc, cnn, spread, test, batch, false));
            List<String> names = new ArrayList<>(curves.keySet());
            System.out.printf(Locale.ROOT, "%-6s", "step");
            for (String n : names) {
                System.out.printf(Locale.ROOT, " %28s", n);
            }
            System.out.println("   (test accuracy)");
            int rows = curves.get(names.get(0)).size();
            for (int i = 0; i < rows; i++) {
                System.out.printf(Locale.ROOT, "%-6d", (long) curves.get(names.get(0)).get(i)[0]);
                for (String n : names) {
                    System.out.printf(Locale.ROOT, " %28.4f", curves.get(n).get(i)[1]);
                }
                System.out.println();
            }
            double ref = last(curves.get(names.get(0)));
            System.out.printf(Locale.ROOT, "final test accuracy: single %.4f, sync %.4f (%+.4f), local %.4f (%+.4f)%n", ref,
                    last(curves.get(names.get(1))), last(curves.get(names.get(1))) - ref, last(curves.get(names.get(2))), last(curves.get(names.get(2))) - ref);
            if (plot != null) {
                LineChart chart = new LineChart("BN CNN, global batch " + batch + ": test accuracy", "step", "test accuracy");
                curves.forEach(chart::add);
                chart.writePng(plot, 900, 560);
                System.out.println("plot: " + plot);
            }
        }
        return 0;
    }

    private static double last(List<double[]> curve) {
        return curve.get(curve.size() - 1)[1];
    }

    private List<double[]> run(JavaSparkContext sc, Sequential model, JavaRDD<Block> train, JavaRDD<Block> test, int batch, boolean sync) {
        List<double[]> curve = new ArrayList<>();
        new SparkTrainer(sc, model, new SoftmaxCrossEntropy(), Optimizers.create("adam", Map.of("learningRate", 1e-3)),
                new LocalTrainer.Settings(batch, 1_000_000, seed, false).withShuffle(BatchPlan.Shuffle.GLOBAL))
                .engine(EngineOptions.defaults().withMode(EngineOptions.Mode.BARRIER).withExchange(EngineOptions.Exchange.STAR).withSyncBatchNorm(sync)
                        .withTimeoutSeconds(300))
                .stopAfter(steps)
                .evaluateEvery(every, (epoch, step, r) -> curve.add(new double[] {step, r.accuracy()}))
                .fit(train, test, m -> {
                    if (m.steps() % every == 0 && (curve.isEmpty() || curve.get(curve.size() - 1)[0] != m.steps())) {
                        curve.add(new double[] {m.steps(), m.validation().accuracy()});
                    }
                });
        return curve;
    }
}
