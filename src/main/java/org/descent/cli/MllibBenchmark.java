package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.descent.config.TrainConfig;
import org.descent.data.Mnist;
import org.descent.engine.spark.SparkSetup;
import org.descent.app.TrainingJob;
import org.descent.report.RunMetrics;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench mllib}: Spark MLlib's {@code MultilayerPerceptronClassifier} (784-256-256-10,
 * solvers l-bfgs and gd with their defaults) beside Descent's MLP on Fashion-MNIST, in the same
 * Spark master, one after the other in one run: fit time, test accuracy, the memory each caches,
 * and the training time Descent needs to reach each MLlib solver's final accuracy (the sum of its
 * step times up to the first evaluation at or above it; evaluations every {@code --every} steps).
 * MLlib trains on the pixels in [0, 1], as its documentation's examples do; Descent on the
 * configuration's input normalization.
 */
@Command(name = "mllib", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Spark MLlib's MultilayerPerceptronClassifier (l-bfgs, gd) vs Descent's MLP on Fashion-MNIST in the same Spark: "
                + "fit time, test accuracy, cached memory, Descent's time to MLlib's accuracy.")
final class MllibBenchmark implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--data", defaultValue = "data/fashion-mnist", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--solvers", defaultValue = "l-bfgs,gd", split = ",", description = "MLlib solvers (default ${DEFAULT-VALUE}).")
    List<String> solvers;
    @Option(names = "--max-iter", defaultValue = "100", description = "MLlib's maxIter (default ${DEFAULT-VALUE}, MLlib's default).")
    int maxIter;
    @Option(names = "--conf", defaultValue = "conf/fashion-mlp.conf", description = "Descent's configuration (default ${DEFAULT-VALUE}).")
    Path conf;
    @Option(names = "--set", description = "Overrides of Descent's configuration (repeatable).")
    List<String> settings = new ArrayList<>();
    @Option(names = "--every", defaultValue = "25", description = "Descent evaluates the test set every this many steps (default ${DEFAULT-VALUE}).")
    int every;
    @Option(names = "--out", defaultValue = "runs/bench-mllib", description = "Descent's run directory (default ${DEFAULT-VALUE}).")
    Path out;

    record Result(String name, double fitSeconds, double accuracy, long cachedBytes) {
    }

    @Override
    public Integer call() throws Exception {
        for (String s : solvers) {
            if (!s.equals("l-bfgs") && !s.equals("gd")) {
                throw new UsageException("--solvers: MLlib's MultilayerPerceptronClassifier has l-bfgs and gd, not '" + s + "'");
            }
        }
        List<String> sets = new ArrayList<>(List.of("data.dir=\"" + data + "\"", "training.evaluateEverySteps=" + every));
        sets.addAll(settings);
        TrainConfig config = TrainConfig.load(conf, sets);
        org.descent.data.Dataset train = Mnist.load(data, "train");
        org.descent.data.Dataset test = Mnist.load(data, "t10k");
        long rawBytes = 4L * train.size() * (train.featureSize() + 1);
        List<Result> mllib = new ArrayList<>();
        String blas;
        try (SparkSession spark = SparkSession.builder().config(SparkSetup.conf("descent bench mllib", master)).getOrCreate()) {
            spark.sparkContext().setLogLevel("WARN");
            Dataset<Row> trainFrame = frame(spark, train);
            Dataset<Row> testFrame = frame(spark, test);
            for (String solver : solvers) {
                MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {784, 256, 256, 10})
                        .setSolver(solver).setMaxIter(maxIter).setSeed(1L);
                System.out.printf(Locale.ROOT, "MLlib %s: fitting (maxIter %d, blockSize %d, stepSize %s, tol %s) ...%n", solver, maxIter, mlp.getBlockSize(),
                        mlp.getStepSize(), mlp.getTol());
                AtomicLong peak = new AtomicLong();
                Thread watcher = watchCache(spark, peak);
                long t0 = System.nanoTime();
                MultilayerPerceptronClassificationModel model = mlp.fit(trainFrame);
                double seconds = (System.nanoTime() - t0) / 1e9;
                watcher.interrupt();
                watcher.join();
                double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(testFrame));
                mllib.add(new Result("MLlib " + solver, seconds, accuracy, peak.get()));
                System.out.printf(Locale.ROOT, "MLlib %s: %.1f s, test accuracy %.4f, cached %.1f MB%n", solver, seconds, accuracy, peak.get() / 1e6);
            }
            blas = "MLlib: " + dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
        }
        System.out.println("Descent: " + conf + " with evaluations every " + every + " steps ...");
        TrainingJob.Summary s = new TrainingJob(config, master, out, false).run();
        RunMetrics metrics = RunMetrics.read(out.resolve("metrics.jsonl"));
        double trainSeconds = 0;
        for (RunMetrics.Step step : metrics.steps()) {
            trainSeconds += step.ms() / 1000;
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Fashion-MNIST, %s, %s; Descent: %s%n", master, blas, Blas.get().description());
        System.out.printf(Locale.ROOT, "%-22s %10s %14s %12s %16s%n", "", "fit s", "test accuracy", "cached MB", "cached / raw");
        for (Result r : mllib) {
            System.out.printf(Locale.ROOT, "%-22s %10.1f %14.4f %12.1f %15.2f×%n", r.name(), r.fitSeconds(), r.accuracy(), r.cachedBytes() / 1e6,
                    (double) r.cachedBytes() / rawBytes);
        }
        System.out.printf(Locale.ROOT, "%-22s %10.1f %14.4f %12.1f %15.2f×   (%d epochs; %.1f s of steps, the rest is evaluation every %d steps)%n",
                "Descent " + conf.getFileName(), s.wallSeconds(), s.testAccuracy(), s.cachedBytes() / 1e6, s.cachedToRaw(), s.epochs(), trainSeconds, every);
        for (Result r : mllib) {
            double reached = secondsToReach(metrics, r.accuracy());
            if (Double.isNaN(reached)) {
                System.out.printf(Locale.ROOT, "Descent did not reach %s's %.4f%n", r.name(), r.accuracy());
            } else {
                System.out.printf(Locale.ROOT, "Descent reaches %s's %.4f after %.1f s of training steps: 1/%.1f of its fit time; ends %+.1f points higher%n",
                        r.name(), r.accuracy(), reached, r.fitSeconds() / reached, 100 * (s.testAccuracy() - r.accuracy()));
            }
        }
        return 0;
    }

    /** Training seconds (step times summed) until the first evaluation of the test set at or above {@code target}; NaN if never. */
    static double secondsToReach(RunMetrics metrics, double target) {
        List<double[]> points = new ArrayList<>();   // (steps done, accuracy)
        for (RunMetrics.Evaluation e : metrics.evaluations()) {
            points.add(new double[] {e.step(), Double.isFinite(e.testAccuracy()) ? e.testAccuracy() : e.validationAccuracy()});
        }
        for (RunMetrics.Epoch e : metrics.epochs()) {
            points.add(new double[] {e.steps(), Double.isFinite(e.testAccuracy()) ? e.testAccuracy() : e.validationAccuracy()});
        }
        points.sort((a, b) -> Double.compare(a[0], b[0]));
        for (double[] p : points) {
            if (p[1] >= target) {
                double seconds = 0;
                for (RunMetrics.Step step : metrics.steps()) {
                    if (step.done() <= p[0]) {
                        seconds += step.ms() / 1000;
                    }
                }
                return seconds;
            }
        }
        return Double.NaN;
    }

    private static Dataset<Row> frame(SparkSession spark, org.descent.data.Dataset data) {
        List<Row> rows = new ArrayList<>(data.size());
        int d = data.featureSize();
        for (int i = 0; i < data.size(); i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = data.features()[i * d + j];
            }
            rows.add(RowFactory.create(Vectors.dense(x), (double) data.labels()[i]));
        }
        return spark.createDataFrame(rows, new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType)).repartition(2);
    }

    /** Polls Spark's storage information while MLlib fits, keeping the largest memory + disk total of cached RDDs. */
    private static Thread watchCache(SparkSession spark, AtomicLong peak) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long total = 0;
                for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
                    total += info.memSize() + info.diskSize();
                }
                peak.accumulateAndGet(total, Math::max);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mllib-cache-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
