package org.descent.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.descent.config.TrainConfig;
import org.descent.data.LabelRule;
import org.descent.data.Standardizer;
import org.descent.engine.EarlyStopping;
import org.descent.engine.EngineOptions;
import org.descent.engine.EvalResult;
import org.descent.engine.LocalTrainer;
import org.descent.engine.TrainingResult;
import org.descent.engine.spark.Block;
import org.descent.engine.spark.Blocks;
import org.descent.engine.spark.Checkpointer;
import org.descent.engine.spark.IdxBlocks;
import org.descent.engine.spark.SparkSetup;
import org.descent.engine.spark.SparkTrainer;
import org.descent.engine.spark.TrainingData;
import org.descent.io.AtomicFiles;
import org.descent.loss.Loss;
import org.descent.loss.Losses;
import org.descent.models.LayerSpecs;
import org.descent.nn.Sequential;
import org.descent.optim.GradientTransform;
import org.descent.optim.Optimizers;
import org.descent.report.ConsoleProgress;
import org.descent.report.RunMetrics;
import org.descent.tensor.Blas;
import org.descent.tensor.Shape;

/**
 * One {@code descent train} run: reads the data named by the configuration, trains with the
 * Spark engine on the given Spark master (in the step mode {@code engine.mode} resolves to: one barrier
 * stage serving many steps, or one job per step; {@link SparkTrainer#resolveMode}), and writes the run directory:
 * {@code metrics.jsonl} (one JSON line per step and per epoch), {@code model.bin} (model,
 * parameters, buffers and input standardization), {@code config.conf} (the resolved
 * configuration), {@code summary.json} and checkpoints (by default in {@code checkpoints/}). Every file is written under a temporary name and
 * renamed.
 */
public final class TrainingJob {
    private final TrainConfig config;
    private final String master;
    private final Path out;
    private final boolean resume;
    private final GradientTransform optimizer;

    /**
     * @param master a Spark master URL, or null for spark-submit's (else {@code local[*]})
     * @param resume continue from the newest checkpoint of the checkpoint directory
     * @throws IllegalArgumentException when the optimizer's keys are not valid for it
     */
    public TrainingJob(TrainConfig config, String master, Path out, boolean resume) {
        this.config = config;
        this.master = master;
        this.out = out;
        this.resume = resume;
        this.optimizer = Optimizers.create(config.optimizer(), config.optimizerSettings(), config.learningRateSchedule(), config.momentumSchedule());
    }

    /** The checkpoint directory URI: {@code checkpoint.dir}, or {@code <out>/checkpoints}. */
    public String checkpointDir() {
        return config.checkpointDir().isEmpty() ? org.descent.io.DriverPaths.qualify(out.toAbsolutePath().resolve("checkpoints").toString()) : config.checkpointDir();
    }

    /** A run's outcome, as written to summary.json. */
    public record Summary(double testAccuracy, double testLoss, int epochs, int bestEpoch, boolean stoppedEarly, long steps, double wallSeconds, double examplesPerSecond,
                          String sparkMaster, int partitions, String engineMode, String engineModeReason, String exchange, String overlap, String batchNormMode, String reduction, String shuffle, String blas, String paramsSha256, String storageLevel, long cachedBytes,
                          long cachedDiskBytes, int partitionsNotCached, long rawBytes, double cachedToRaw, String dataFormat, long badRows, String sparkVersion,
                          long stepMemoryBytes) {
    }

    /**
     * Validates what can be checked before Spark starts: the loss, the optimizer, the data's files
     * where the driver can read them, and the model's layers when the shape of an example is known
     * without Spark (see {@link TrainingData#shapeWithoutSpark}) or given as model.inputShape.
     * Returns the model then, else null.
     */
    public Sequential model() throws IOException {
        Losses.byName(config.loss());
        Shape data = TrainingData.shapeWithoutSpark(config.data(),
                org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(SparkSetup.conf("descent train", master)));
        if (data != null) {
            return model(data);
        }
        return config.inputShape().isEmpty() ? null : model(shape(config.inputShape()));
    }

    /** The configured model for examples of {@code dataShape} (or of model.inputShape, which must hold as many values). */
    public Sequential model(Shape dataShape) {
        Shape shape = dataShape;
        if (!config.inputShape().isEmpty()) {
            shape = shape(config.inputShape());
            if (shape.size() != dataShape.size()) {
                throw new IllegalArgumentException("model.inputShape = " + config.inputShape() + " holds " + shape.size() + " values per example, the data has "
                        + dataShape.size() + " (" + dataShape + ")");
            }
        }
        java.util.List<org.descent.nn.Layer> layers = new java.util.ArrayList<>();
        for (org.descent.nn.Layer layer : LayerSpecs.parseAll(config.layers())) {
            layers.add(withInitializers(layer));
        }
        Sequential model = new Sequential(shape, layers);
        org.descent.data.Augmentation.of(config.augment(), model.inputShape());   // a non-image input is an error before any work
        if (config.probe().on()) {
            org.descent.nn.InputPercentiles.check(model, config.probe().layer(), config.probe().unit());
        }
        return model;
    }

    /** A dense or conv2d layer with model.weightInit and model.biasInit in place of its own initializers (when set). */
    private org.descent.nn.Layer withInitializers(org.descent.nn.Layer layer) {
        if (layer instanceof org.descent.nn.recurrent.RecurrentLayer r && !config.recurrentInit().isEmpty()) {
            return r.withInit(org.descent.init.RecurrentInit.parse(config.recurrentInit()));
        }
        if (config.weightInit().isEmpty() && config.biasInit().isEmpty()) {
            return layer;
        }
        if (layer instanceof org.descent.nn.layers.Dense d) {
            return d.withInit(config.weightInit().isEmpty() ? d.weightInit() : org.descent.init.Initializers.byName(config.weightInit()),
                    config.biasInit().isEmpty() ? d.biasInit() : org.descent.init.Initializers.byName(config.biasInit()));
        }
        if (layer instanceof org.descent.nn.layers.Conv2d c) {
            return c.withInit(config.weightInit().isEmpty() ? c.weightInit() : org.descent.init.Initializers.byName(config.weightInit()),
                    config.biasInit().isEmpty() ? c.biasInit() : org.descent.init.Initializers.byName(config.biasInit()));
        }
        return layer;
    }

    private static Shape shape(java.util.List<Integer> dims) {
        return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The loss and the model's outputs fit the labels (or, with data.target = input, the inputs). */
    private void checkTargets(Sequential model, Loss loss, boolean reconstruct) {
        int outputs = model.outputShape().size();
        int features = model.inputShape().size();
        if (reconstruct && (outputs != features || loss.labelWidth(outputs) != outputs)) {
            throw new IllegalArgumentException("data.target = input: the model's last layer gives " + outputs + " outputs per example and the input has "
                    + features + " features; an autoencoder needs the same number, and a loss with a target vector (squared_error, binary_cross_entropy)"
                    + ", not " + config.loss());
        }
        if (reconstruct && config.loss().equals("binary_cross_entropy") && !config.normalize().equals("minmax")) {
            throw new IllegalArgumentException("data.target = input with loss = binary_cross_entropy needs targets in [0, 1]: set data.normalize = minmax"
                    + " (it is " + config.normalize() + ")");
        }
        if (config.earlyStoppingPatience() > 0 && config.earlyStoppingMetric().equals("accuracy") && !loss.scoresAccuracy()) {
            throw new IllegalArgumentException("earlyStopping.metric = accuracy needs one class label per example; loss " + config.loss()
                    + " with output shape " + model.outputShape() + " has no accuracy: use earlyStopping.metric = loss");
        }
        org.descent.data.LongRangeProblem problem = config.data().format().equals("synthetic") ? config.data().synthetic().problem() : null;
        if (!reconstruct && problem != null && problem.kind() == org.descent.data.LongRangeProblem.Kind.MEMORIZATION
                && model.outputShape().rank() == 2 && model.outputShape().dim(1) < problem.alphabet()) {
            throw new IllegalArgumentException("memorization with data.synthetic.alphabet = " + problem.alphabet() + " needs " + problem.alphabet()
                    + " outputs per step; the model gives " + model.outputShape().dim(1) + " (output shape " + model.outputShape() + ")");
        }
        int given = config.data().labelWidth();
        if (!reconstruct && model.outputShape().rank() == 2 && given == 1) {
            throw new IllegalArgumentException("the model's output is a sequence " + model.outputShape() + " (a dense layer on a [T, F] input applies to each "
                    + "step) and the data gives one label per example: add flatten before the output layer, or end the recurrent part with rnn(H, last)");
        }
        if (!reconstruct && loss.labelWidth(outputs) != given) {
            throw new IllegalArgumentException("loss " + config.loss() + " with output shape " + model.outputShape() + " needs " + loss.labelWidth(outputs)
                    + " label values per example; the data gives " + given + (given == 1 ? " (or set data.target = input to reconstruct the input)" : ""));
        }
    }

    /** The splits as the network sees them: normalized (fitted on the training data) and, to reconstruct, inputs as targets. */
    private record Prepared(JavaRDD<Block> train, JavaRDD<Block> validation, JavaRDD<Block> test, Standardizer standardizer) {
    }

    private Prepared prepare(TrainingData.Splits splits, boolean reconstruct) {
        JavaRDD<Block> train = splits.train();
        JavaRDD<Block> validation = splits.validation();
        JavaRDD<Block> test = splits.test();
        Standardizer standardizer = null;
        if (!config.normalize().equals("none")) {
            standardizer = switch (config.normalize()) {
                case "minmax" -> IdxBlocks.fitMinMax(train, 0f, 1f);
                case "minmax_symmetric" -> IdxBlocks.fitMinMax(train, -1f, 1f);
                default -> IdxBlocks.fitStandardizer(train);
            };
            train = IdxBlocks.standardize(train, standardizer);
            test = IdxBlocks.standardize(test, standardizer);
            if (validation != null) {
                validation = IdxBlocks.standardize(validation, standardizer);
            }
        }
        if (reconstruct) {   // after normalization: the network reconstructs what it is given
            train = IdxBlocks.inputsAsTargets(train, false);
            // min-max is fitted on the training data: held-out pixels can fall outside [0, 1], which BCE targets may not.
            boolean clampHeldOut = config.loss().equals("binary_cross_entropy");
            test = IdxBlocks.inputsAsTargets(test, clampHeldOut);
            if (validation != null) {
                validation = IdxBlocks.inputsAsTargets(validation, clampHeldOut);
            }
        }
        return new Prepared(train, validation, test, standardizer);
    }

    /**
     * The trained model {@code model.initFrom} names, checked layer by layer against the configured one: the same layer
     * types and the same parameter tensors (names and sizes) and buffers, or one line naming the first that differs.
     */
    private org.descent.engine.SavedModel initialWeights(Sequential model) throws IOException {
        String where = "model.initFrom = " + config.initFrom();
        org.descent.engine.SavedModel saved;
        try {
            saved = org.descent.engine.SavedModel.load(Path.of(config.initFrom()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        Sequential from = saved.model();
        if (from.layers().size() != model.layers().size()) {
            throw new IllegalArgumentException(where + ": it has " + from.layers().size() + " layers " + from.layers() + ", the configured model "
                    + model.layers().size() + " " + model.layers());
        }
        for (int i = 0; i < model.layers().size(); i++) {
            String here = tensors(model, i);
            String there = tensors(from, i);
            if (!here.equals(there)) {
                throw new IllegalArgumentException(where + ": layer " + i + " is " + here + " here and " + there + " there");
            }
        }
        System.out.printf(Locale.ROOT, "starting from the weights of %s%n", config.initFrom());
        return saved;
    }

    /** Layer i as "type with input [shape], name size, …", what initFrom compares. */
    private static String tensors(Sequential model, int i) {
        org.descent.nn.Layer layer = model.layers().get(i);
        StringBuilder b = new StringBuilder(layer.type()).append(" with input ").append(model.shapeBefore(i));
        for (org.descent.nn.ParamSpec p : layer.params(model.shapeBefore(i))) {
            b.append(", ").append(p.name()).append(' ').append(p.length());
        }
        return b.toString();
    }

    /**
     * The memory one task's step needs ({@link org.descent.nn.StepMemory}), at the examples per step per partition: the
     * global batch of the regime (the training set for batch, one for stochastic) over the partitions, rounded up.
     */
    private long stepMemory(Sequential model, Loss loss, long trainingRows, int partitions) {
        long perStep = Math.min(config.batchSize(), trainingRows);   // the batch regime's batchSize is the largest int
        return org.descent.nn.StepMemory.measure(model, loss, (int) Math.max(1, (perStep + partitions - 1) / partitions));
    }

    /** probe.*: the percentiles of a unit's input over the first test examples, as metrics.jsonl "probe" lines. */
    private SparkTrainer.WeightsProbe probe(Sequential model, JavaRDD<Block> test, BufferedWriter metrics, ObjectMapper json) {
        TrainConfig.Probe p = config.probe();
        int width = model.inputShape().size();
        float[] examples = new float[p.examples() * width];
        int n = 0;
        for (java.util.Iterator<Block> blocks = test.toLocalIterator(); blocks.hasNext() && n < p.examples(); ) {
            Block b = blocks.next();
            int take = Math.min(b.size(), p.examples() - n);
            System.arraycopy(b.features(), 0, examples, n * width, take * width);
            n += take;
        }
        int count = n;
        org.descent.nn.InputPercentiles percentiles = new org.descent.nn.InputPercentiles(model, p.layer(), p.unit(), examples, count);
        return (step, params, buffers) -> {
            double[] q = percentiles.at(params, buffers);
            writeLine(metrics, RunMetrics.json(new RunMetrics.Probe(step, p.layer(), p.unit(), q[0], q[1], q[2], count), json));
        };
    }

    /** The newest checkpoint, checked against the configured model ({@code --resume}). */
    private static org.descent.engine.TrainingState resumePoint(Checkpointer checkpointer, Sequential model) throws IOException {
        org.descent.engine.TrainingState from = checkpointer.latest()
                .orElseThrow(() -> new IllegalArgumentException("--resume: no checkpoint in " + checkpointer.directory()));
        if (from.params().length != model.paramCount()) {
            throw new IllegalArgumentException("--resume: the checkpoint in " + checkpointer.directory() + " holds " + from.params().length
                    + " parameters, the configured model has " + model.paramCount());
        }
        System.out.printf(Locale.ROOT, "resuming after step %d (epoch %d) from %s%n", from.step(), from.epoch(), checkpointer.directory());
        return from;
    }

    /**
     * Each step: its line in metrics.jsonl — the learning rate and momentum (β₁ for the Adam family, the
     * decay of its first moment) as the optimizer reports them for the step — and the progress bar.
     */
    private SparkTrainer.StepListener stepLines(SparkTrainer trainer, BufferedWriter metrics, ObjectMapper json, ConsoleProgress progress) {
        java.util.Map<String, Double> hyper = new java.util.HashMap<>();
        return (epoch, step, meanLoss, examples, gradNorm, t) -> {
            hyper.clear();
            optimizer.hyperparameters(step, hyper);
            double momentum = hyper.getOrDefault("momentum", hyper.getOrDefault("beta1", Double.NaN));
            writeLine(metrics, RunMetrics.json(new RunMetrics.Step(step, epoch, meanLoss, examples, t.totalMillis(), t.computeMillis(),
                    t.fetchMillis(), t.aggregateMillis(), t.overheadMillis(), hyper.getOrDefault("learningRate", Double.NaN), momentum, gradNorm,
                    examples * 1000.0 / t.totalMillis(), t.syncMillis()), json));
            long perEpoch = trainer.stepsPerEpoch();
            progress.step(epoch, step - (long) epoch * perEpoch + 1, perEpoch, meanLoss, examples);
        };
    }

    /** Each epoch: its line in metrics.jsonl and on the console; {@code evaluated} names the held-out set evaluated every epoch. */
    private static LocalTrainer.Listener epochLines(BufferedWriter metrics, ObjectMapper json, ConsoleProgress progress, String evaluated) {
        boolean onValidation = evaluated.equals("validation");
        return m -> {
            String testPart = "";
            double testLoss = onValidation ? Double.NaN : m.validation().loss();
            double testAccuracy = onValidation ? Double.NaN : m.validation().accuracy();
            if (m.test() != null) {
                testLoss = m.test().loss();
                testAccuracy = m.test().accuracy();
                testPart = String.format(Locale.ROOT, ", test loss %.4f%s", m.test().loss(), accuracy("test", m.test().accuracy()));
            }
            writeLine(metrics, RunMetrics.json(new RunMetrics.Epoch(m.epoch(), m.steps(), m.trainLoss(), Double.NaN,
                    onValidation ? m.validation().loss() : Double.NaN, onValidation ? m.validation().accuracy() : Double.NaN, testLoss, testAccuracy,
                    m.seconds()), json));
            progress.clear();
            System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, %s loss %.4f%s%s (%.1f s)%n",
                    m.epoch() + 1, m.trainLoss(), evaluated, m.validation().loss(), accuracy(evaluated, m.validation().accuracy()), testPart, m.seconds());
        };
    }

    /** ", {what} accuracy 0.1234", or nothing when there is no accuracy (regression, reconstruction, per-step labels). */
    public static String accuracy(String what, double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, ", %s accuracy %.4f", what, value);
    }

    /** The run's summary.json, and the cache line on the console. */
    private Summary summarize(JavaSparkContext sc, SparkTrainer trainer, TrainingResult result, EvalResult last, double wall, int partitions,
                              org.descent.engine.BatchPlan.Shuffle walk,
                              long badRows, JavaRDD<Block> train, Sequential model, Loss loss) {
        Blocks.StorageReport cache = Blocks.storageReport(sc, train);
        SparkTrainer.Resolved ran = trainer.resolved();
        Summary summary = new Summary(last.accuracy(), last.loss(), result.history().size(), result.bestEpoch() + 1, result.stoppedEarly(), result.steps(),
                wall, result.examples() / wall, sc.master(), partitions, EngineOptions.name(ran.mode()), ran.modeReason(),
                ran.exchange() == null ? "none" : EngineOptions.name(ran.exchange()),
                ran.exchange() == null ? "none" : (ran.overlap() ? "on" : "off") + " (" + ran.overlapReason() + ")", config.batchNormMode(),
                EngineOptions.name(config.engine().reduction()), EngineOptions.name(walk), Blas.get().description(), sha256(result.params()),
                cache.level(), cache.cachedBytes(), cache.diskBytes(), cache.partitions() - cache.cachedPartitions(), cache.rawBytes(), cache.ratio(),
                config.data().format(), badRows, sc.version(), stepMemory(model, loss, cache.examples(), partitions));
        System.out.printf(Locale.ROOT, "training blocks cached %s: %.1f MB (%.1f MB of it on disk) for %.1f MB of float32 (%.3f×)%s%n",
                cache.level(), cache.cachedBytes() / 1e6, cache.diskBytes() / 1e6, cache.rawBytes() / 1e6, cache.ratio(),
                cache.cachedPartitions() < cache.partitions() ? String.format(Locale.ROOT, "; %d of %d partitions not held (recomputed when read)",
                        cache.partitions() - cache.cachedPartitions(), cache.partitions()) : "");
        return summary;
    }

    public Summary run() throws IOException {
        Losses.byName(config.loss());
        boolean fresh = Files.notExists(out);
        try {
            return trainInto();
        } catch (IOException | RuntimeException | Error e) {
            removeUnfinished(fresh, e);
            throw e;
        }
    }

    /**
     * After a run that failed: its temporary metrics file goes (a diverged run has published its metrics already; on
     * resume the previous metrics.jsonl stays), and so does the run directory if this run made it and left it empty, so
     * that bad data leaves nothing behind.
     */
    private void removeUnfinished(boolean fresh, Throwable failure) {
        try {
            Files.deleteIfExists(metricsInProgress());
            if (fresh && Files.isDirectory(out)) {
                try (java.util.stream.Stream<Path> left = Files.list(out)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(out);
                    }
                }
            }
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private Summary trainInto() throws IOException {
        Files.createDirectories(out);
        String runName = out.toAbsolutePath().normalize().getFileName().toString();
        SparkConf conf = SparkSetup.conf("descent train " + runName, master);
        if (config.engine().mode() != org.descent.engine.EngineOptions.Mode.JOB) {
            // Spark's check that a barrier stage fits the cluster retries 40 × 15 s by default; here it gives
            // executors a few seconds to register, then fails (Descent checks the slots itself first).
            conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s");
            conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
        }
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf);
             BufferedWriter metrics = openMetrics()) {
            sc.setLogLevel("WARN");
            // Spark's UI and history server: the run's jobs are in the job group named after the run, each described.
            org.descent.engine.spark.JobLabels.begin(sc, runName);
            org.descent.engine.spark.JobLabels.describe(sc, "read the data");
            int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
            TrainingData data = TrainingData.open(sc, config.data());
            Sequential model = model(data.shape());
            Loss loss = Losses.forOutput(config.loss(), model.outputShape());
            if (sc.sc().isLocal()) {
                // The tasks run in this JVM: their kernels compile while the data is read and normalized.
                org.descent.nn.KernelWarmUp.forPartitions(model, loss, config.batchSize(), partitions, config.engine().exactSums(),
                        config.engine().syncBatchNorm()).start();
            }
            int outputs = model.outputShape().size();
            boolean reconstruct = config.target().equals("input");
            checkTargets(model, loss, reconstruct);
            TrainingData.Splits splits = data.read(partitions, config.validationSize(),
                    reconstruct ? LabelRule.forLoss("squared_error", 1) : LabelRule.forLoss(config.loss(), outputs), config.seed());
            if (splits.badRows() > 0) {
                System.out.printf(Locale.ROOT, "skipped %d bad rows (data.badRows = skip), e.g. %s%n", splits.badRows(), String.join("; ", splits.firstBadRows()));
            }
            org.descent.engine.spark.JobLabels.describe(sc, "fit the input normalization and cache the blocks");
            Prepared prepared = prepare(splits, reconstruct);
            JavaRDD<Block> train = prepared.train();
            JavaRDD<Block> validation = prepared.validation();
            JavaRDD<Block> test = prepared.test();
            Standardizer standardizer = prepared.standardizer();
            Checkpointer checkpointer = new Checkpointer(checkpointDir(), sc.hadoopConfiguration(), config.checkpointKeep());
            org.descent.engine.TrainingState from = resume ? resumePoint(checkpointer, model) : null;
            org.descent.engine.SavedModel initial = config.initFrom().isEmpty() ? null : initialWeights(model);
            ObjectMapper json = new ObjectMapper();
            org.descent.engine.BatchPlan.Shuffle walk = shuffle(config, partitions);
            SparkTrainer trainer = new SparkTrainer(sc, model, loss, optimizer,
                    new LocalTrainer.Settings(config.batchSize(), config.epochs(), config.seed(), config.dropLast())
                            .withShuffle(walk),
                    StorageLevel.fromString(config.storageLevel()));
            if (initial != null) {
                trainer.startFrom(initial.params(), initial.buffers());
            }
            if (config.probe().on()) {
                trainer.probe(probe(model, test, metrics, json));
            }
            ConsoleProgress progress = ConsoleProgress.onConsole(config.epochs());
            trainer.onStep(stepLines(trainer, metrics, json, progress));
            trainer.onNotice(line -> System.err.println("descent: warning: " + line));
            if (config.earlyStoppingPatience() > 0) {
                trainer.earlyStopping(new EarlyStopping(EarlyStopping.Metric.valueOf(config.earlyStoppingMetric().toUpperCase(Locale.ROOT)),
                        config.earlyStoppingPatience(), config.earlyStoppingMinDelta()));
            }
            String evaluated = validation != null ? "validation" : "test";
            if (config.evaluateEverySteps() > 0) {
                boolean onValidation = evaluated.equals("validation");
                trainer.evaluateEvery(config.evaluateEverySteps(), (epoch, step, r) -> writeLine(metrics, RunMetrics.json(new RunMetrics.Evaluation(step, epoch,
                        onValidation ? r.loss() : Double.NaN, onValidation ? r.accuracy() : Double.NaN, onValidation ? Double.NaN : r.loss(),
                        onValidation ? Double.NaN : r.accuracy()), json)));
            }
            trainer.reshuffleEvery(config.reshuffleEveryEpochs());
            if (config.learningRateSchedule() instanceof org.descent.schedule.ReduceOnPlateau plateau) {
                trainer.plateau(plateau);
            }
            trainer.engine(config.engine());
            trainer.augment(org.descent.data.Augmentation.of(config.augment(), model.inputShape()));
            if (validation != null) {
                trainer.evaluateEachEpoch(test);
            }
            TrainingResult result;
            try {
                result = trainer.fit(train, validation != null ? validation : test, epochLines(metrics, json, progress, evaluated), from,
                        new SparkTrainer.CheckpointPolicy(checkpointer, config.checkpointEverySteps(), config.checkpointEveryEpochs()));
            } catch (org.descent.engine.DivergenceException e) {
                // A diverged run leaves no model, but its metrics up to the divergence are what happened (the cliff itself).
                publishMetrics(metrics);
                throw e;
            }
            publishMetrics(metrics);
            double wall = (System.nanoTime() - t0) / 1e9;
            float[] buffers = result.buffers();
            if (config.populationStatistics() && model.statsSize() > 0) {
                buffers = trainer.populationStatistics(train, result.params(), buffers);
                System.out.println("batch norm: running statistics replaced by population statistics over the training set");
            }
            EvalResult last = validation != null || result.bestEpoch() >= 0 || config.populationStatistics()
                    ? trainer.evaluate(test, result.params(), buffers)
                    : result.history().get(result.history().size() - 1).validation();
            if (result.bestEpoch() >= 0) {
                System.out.printf(Locale.ROOT, "%s: restored the parameters of epoch %d%n",
                        result.stoppedEarly() ? "early stopping" : "best validation epoch", result.bestEpoch() + 1);
            }
            Summary summary = summarize(sc, trainer, result, last, wall, partitions, walk, splits.badRows(), train, model, loss);
            new org.descent.engine.SavedModel(model, result.params(), buffers, standardizer, config.loss(), data.classes()).save(out.resolve("model.bin"));
            AtomicFiles.writeString(out.resolve("config.conf"), config.rendered());
            ObjectNode s = json.valueToTree(summary);
            AtomicFiles.writeString(out.resolve("summary.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(s));
            Path report = org.descent.report.RunReport.write(out);
            System.out.println("report: " + report);
            return summary;
        }
    }

    /** {@code training.shuffle}, with auto resolved ({@link org.descent.engine.BatchPlan.Shuffle#auto}). */
    static org.descent.engine.BatchPlan.Shuffle shuffle(TrainConfig config, int partitions) {
        String s = config.shuffle();
        if (s.equals("auto")) {
            s = org.descent.engine.BatchPlan.Shuffle.auto(config.exactReduction(), config.batchSize(), partitions).name()
                    .toLowerCase(Locale.ROOT);
        }
        if (s.equals("global") && config.reshuffleEveryEpochs() > 0) {
            // The walk already draws every batch from all partitions; moving examples between partitions would only make
            // the batches depend on the partition count.
            throw new IllegalArgumentException("training.reshuffleEveryEpochs = " + config.reshuffleEveryEpochs()
                    + " needs training.shuffle = partition: the global walk (chosen " + (config.shuffle().equals("auto")
                    ? "by auto, for the exact reduction or a batch smaller than the partition count" : "in training.shuffle")
                    + ") already mixes all partitions; set training.reshuffleEveryEpochs = 0");
        }
        return org.descent.engine.BatchPlan.Shuffle.valueOf(s.toUpperCase(Locale.ROOT));
    }


    /** metrics.jsonl while the run writes it: renamed into place at the end, removed after a failure. */
    private Path metricsInProgress() {
        return out.resolve(".metrics.jsonl.tmp");
    }

    /** A fresh metrics file, or on resume a copy of the previous one to append to (renamed into place at the end). */
    private BufferedWriter openMetrics() throws IOException {
        Files.createDirectories(out);
        Path tmp = metricsInProgress();
        Path done = out.resolve("metrics.jsonl");
        if (resume && Files.exists(done)) {
            Files.copy(done, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
        return Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
    }

    /** Closes metrics.jsonl's temporary file and gives it its name. */
    private void publishMetrics(BufferedWriter metrics) throws IOException {
        metrics.close();
        Files.move(metricsInProgress(), out.resolve("metrics.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeLine(BufferedWriter w, ObjectNode node) {
        try {
            w.write(node.toString());
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the parameters as little-endian float32 bytes, so runs can be compared from outside. */
    public static String sha256(float[] params) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(params);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
