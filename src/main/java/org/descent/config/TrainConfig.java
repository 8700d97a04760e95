package org.descent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.descent.engine.EngineOptions;
import org.descent.optim.Optimizers;
import org.descent.schedule.Schedule;
import org.descent.schedule.Schedules;
import org.descent.util.Suggest;

/**
 * A training run's configuration: a HOCON file layered over the shipped defaults
 * ({@code org/descent/config/defaults.conf}, which lists every key), with {@code --set key=value}
 * overrides on top. Validation is eager and every failure is one line naming the key (and the
 * file and line where the value came from): unknown keys name the nearest valid key, wrong types
 * and ranges name the value and the accepted range.
 */
public record TrainConfig(
        Path dataDir,
        org.descent.data.DataSpec data,
        List<Integer> inputShape,
        String normalize,
        String target,
        List<String> augment,
        String storageLevel,
        int validationSize,
        List<String> layers,
        String weightInit,
        String biasInit,
        String recurrentInit,
        String initFrom,
        String loss,
        int epochs,
        int batchSize,
        long seed,
        int partitions,
        boolean dropLast,
        long evaluateEverySteps,
        int reshuffleEveryEpochs,
        String shuffle,
        String optimizer,
        Map<String, Double> optimizerSettings,
        Schedule learningRateSchedule,
        Schedule momentumSchedule,
        org.descent.engine.EngineOptions engine,
        String batchNormMode,
        boolean populationStatistics,
        int earlyStoppingPatience,
        double earlyStoppingMinDelta,
        String earlyStoppingMetric,
        String checkpointDir,
        long checkpointEverySteps,
        int checkpointEveryEpochs,
        int checkpointKeep,
        Probe probe,
        String rendered) {

    /**
     * {@code probe.*}: record, at every evaluation, the 15th, 50th and 85th percentiles of unit {@code unit}'s input to
     * layer {@code layer} over the first {@code examples} test examples (the BN paper's Figure 1); layer −1: off.
     */
    public record Probe(int layer, int unit, int examples) {
        public boolean on() {
            return layer >= 0;
        }
    }

    /** The shipped defaults. */
    public static Config defaults() {
        return ConfigFactory.parseResources(TrainConfig.class, "defaults.conf", ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /**
     * Loads {@code file} (may be null: defaults only) with {@code key=value} overrides. An error names
     * where the value came from: the file and line, or the {@code --set} that gave it (without the line
     * number 1 that the parser gives every one-line override).
     */
    public static TrainConfig load(Path file, List<String> overrides) {
        try {
            return loadChecked(file, overrides);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            String clean = message.replaceFirst("(--set [^\\n]*?): 1: ", "$1: ");
            if (clean.equals(message)) {
                throw e;
            }
            throw new IllegalArgumentException(clean, e.getCause() != null ? e.getCause() : e);
        }
    }

    private static TrainConfig loadChecked(Path file, List<String> overrides) {
        Config defaults = defaults();
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such configuration file");
            }
            try {
                user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        Config sets = ConfigFactory.empty();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + o + "'");
            }
            try {
                sets = ConfigFactory.parseString(o, ConfigParseOptions.defaults().setOriginDescription("--set " + o)).withFallback(sets);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("--set " + o + ": " + e.getMessage(), e);
            }
        }
        Config merged = sets.withFallback(user).withFallback(defaults).resolve();
        checkKeys(sets.withFallback(user), defaults);
        try {
            return fromConfig(merged);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void checkKeys(Config given, Config defaults) {
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            known.add(e.getKey());
        }
        for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
            String key = e.getKey();
            // The optimizer's and the schedules' own keys are checked by Optimizers and Schedules, which know them.
            if (known.contains(key) || key.startsWith("optimizer.") || key.startsWith("learningRateSchedule.") || key.startsWith("momentumSchedule.")) {
                continue;
            }
            throw new IllegalArgumentException(e.getValue().origin().description() + ": " + Suggest.unknown("key", key, known));
        }
    }

    private static List<String> augment(Config c) {
        List<String> augment = List.copyOf(c.getStringList("data.augment"));
        String where = c.getValue("data.augment").origin().description() + ": ";
        try {
            org.descent.data.Augmentation.check(augment);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        if (!augment.isEmpty() && c.getString("data.target").equals("input")) {
            throw new IllegalArgumentException(where + "data.augment transforms the inputs but not the targets; with data.target = input leave it empty");
        }
        return augment;
    }

    private static String target(Config c) {
        String target = oneOf(c, "data.target", List.of("label", "input"));
        if (target.equals("input") && c.getInt("earlyStopping.patience") > 0 && c.getString("earlyStopping.metric").equals("accuracy")) {
            throw new IllegalArgumentException(c.getValue("earlyStopping.metric").origin().description()
                    + ": earlyStopping.metric = accuracy needs class labels; with data.target = input use loss");
        }
        return target;
    }

    private static TrainConfig fromConfig(Config c) {
        String normalize = oneOf(c, "data.normalize", List.of("standardize", "minmax", "minmax_symmetric", "none"));
        int epochs = atLeast(c, "training.epochs", 1);
        String regime = oneOf(c, "training.regime", List.of("minibatch", "batch", "stochastic"));
        int batchSize = switch (regime) {
            case "batch" -> Integer.MAX_VALUE;   // the batch plan clamps it to the training set's size
            case "stochastic" -> 1;
            default -> atLeast(c, "training.batchSize", 1);
        };
        int partitions = atLeast(c, "training.partitions", 0);
        Map<String, Double> hyper = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getConfig("optimizer").entrySet()) {
            if (e.getKey().equals("name")) {
                continue;
            }
            Object v = e.getValue().unwrapped();
            if (v instanceof String && !e.getKey().equals("variant")) {
                throw new IllegalArgumentException(e.getValue().origin().description() + ": optimizer." + e.getKey() + " = '" + v + "' is not a number");
            }
            try {
                hyper.put(e.getKey(), Optimizers.value(e.getKey(), v));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(e.getValue().origin().description() + ": optimizer." + e.getKey() + ": " + bad.getMessage());
            }
        }
        if (!Optimizers.names().contains(c.getString("optimizer.name"))) {
            throw new IllegalArgumentException(c.getValue("optimizer.name").origin().description() + ": "
                    + Suggest.unknown("optimizer", c.getString("optimizer.name"), Optimizers.names()));
        }
        Map<String, Double> keys = Optimizers.keys(c.getString("optimizer.name"));
        double lr0 = hyper.getOrDefault("learningRate", keys.get("learningRate"));
        double mu0 = hyper.getOrDefault("momentum", keys.getOrDefault("momentum", 0.0));
        Schedule lrSchedule = schedule(c, "learningRateSchedule", lr0);
        Schedule muSchedule = schedule(c, "momentumSchedule", mu0);
        if (muSchedule instanceof org.descent.schedule.ReduceOnPlateau) {
            throw new IllegalArgumentException(c.getValue("momentumSchedule.type").origin().description()
                    + ": momentumSchedule.type = plateau: reduce-on-plateau is a learning-rate schedule (learningRateSchedule.type = plateau)");
        }
        List<String> layers = c.getStringList("model.layers");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(c.getValue("model.layers").origin().description() + ": model.layers is empty");
        }
        return new TrainConfig(Path.of(c.getString("data.dir")), dataSpec(c), inputShape(c), normalize,
                target(c), augment(c), oneOf(c, "data.storageLevel", List.of("MEMORY_ONLY", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY")), atLeast(c, "data.validationSize", 0), List.copyOf(layers), initializer(c, "model.weightInit"),
                initializer(c, "model.biasInit"), recurrentInit(c), c.getString("model.initFrom"), c.getString("loss"), epochs, batchSize,
                c.getLong("training.seed"), partitions, c.getBoolean("training.dropLast"), atLeast(c, "training.evaluateEverySteps", 0),
                (int) atLeast(c, "training.reshuffleEveryEpochs", 0), shuffle(c), c.getString("optimizer.name"), hyper, lrSchedule, muSchedule,
                engine(c, layers), batchNormMode(c), c.getBoolean("batchNorm.populationStatistics"),
                atLeast(c, "earlyStopping.patience", 0), minDelta(c), oneOf(c, "earlyStopping.metric", List.of("loss", "accuracy")),
                c.getString("checkpoint.dir"), atLeast(c, "checkpoint.everySteps", 0), atLeast(c, "checkpoint.everyEpochs", 0),
                atLeast(c, "checkpoint.keep", 1),
                new Probe((int) atLeast(c, "probe.layer", -1), (int) atLeast(c, "probe.unit", 0), (int) atLeast(c, "probe.examples", 1)),
                c.root().render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true)));
    }

    /** data.image: the resize ([] or [height, width], positive) and the channels (0, 1 or 3). */
    private static org.descent.data.DataSpec.Image image(Config c) {
        List<Integer> resize = c.getIntList("data.image.resize");
        String where = c.getValue("data.image.resize").origin().description() + ": ";
        if (!resize.isEmpty() && (resize.size() != 2 || resize.get(0) <= 0 || resize.get(1) <= 0)) {
            throw new IllegalArgumentException(where + "data.image.resize = " + resize + ": give [height, width], both positive, or [] to keep the images' size");
        }
        int channels = c.getInt("data.image.channels");
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException(c.getValue("data.image.channels").origin().description() + ": data.image.channels = " + channels
                    + ": 1 (grey), 3 (colour) or 0 (as the first image)");
        }
        return resize.isEmpty() ? new org.descent.data.DataSpec.Image(0, 0, channels) : new org.descent.data.DataSpec.Image(resize.get(0), resize.get(1), channels);
    }

    private static org.descent.data.DataSpec dataSpec(Config c) {
        String format = oneOf(c, "data.format", org.descent.data.DataSpec.FORMATS);
        String delimiter = c.getString("data.csv.delimiter");
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException(c.getValue("data.csv.delimiter").origin().description() + ": data.csv.delimiter = '" + delimiter
                    + "' must be one character");
        }
        String kind = oneOf(c, "data.synthetic.kind", List.of("gaussian", "teacher", "addition", "multiplication", "memorization"));
        double noise = c.getDouble("data.synthetic.noise");
        if (!(noise >= 0)) {
            throw new IllegalArgumentException(c.getValue("data.synthetic.noise").origin().description() + ": data.synthetic.noise = " + noise
                    + " is out of range; accepted: ≥ 0");
        }
        org.descent.data.DataSpec.Synthetic synthetic = new org.descent.data.DataSpec.Synthetic(kind, atLeastLong(c, "data.synthetic.rows", 1),
                atLeastLong(c, "data.synthetic.testRows", 1), atLeast(c, "data.synthetic.features", 1), atLeast(c, "data.synthetic.classes", 2), noise,
                atLeast(c, "data.synthetic.hidden", 1), atLeast(c, "data.synthetic.steps", 1), atLeast(c, "data.synthetic.symbols", 1),
                atLeast(c, "data.synthetic.alphabet", 2));
        if (format.equals("synthetic")) {
            try {
                synthetic.problem();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c.getValue("data.synthetic.steps").origin().description() + ": " + e.getMessage());
            }
        }
        return new org.descent.data.DataSpec(format, c.getString("data.dir"), c.getString("data.train"), c.getString("data.test"),
                c.getBoolean("data.csv.header"), c.getString("data.csv.label"), delimiter.charAt(0), atLeast(c, "data.libsvm.numFeatures", 0),
                c.getString("data.parquet.features"), c.getString("data.parquet.label"), oneOf(c, "data.badRows", List.of("fail", "skip")).equals("skip"),
                synthetic, image(c));
    }

    /** model.recurrentInit, checked: "" (the layers' own), echo_state(…), orthogonal or identity. */
    private static String recurrentInit(Config c) {
        String spec = c.getString("model.recurrentInit");
        try {
            org.descent.init.RecurrentInit.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.getValue("model.recurrentInit").origin().description() + ": model.recurrentInit: " + e.getMessage(), e);
        }
        return spec;
    }

    private static String initializer(Config c, String key) {
        String spec = c.getString(key);
        if (!spec.isEmpty()) {
            try {
                org.descent.init.Initializers.byName(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + ": " + e.getMessage(), e);
            }
        }
        return spec;
    }

    private static List<Integer> inputShape(Config c) {
        List<Integer> dims;
        try {
            dims = c.getIntList("model.inputShape");
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(c.getValue("model.inputShape").origin().description()
                    + ": model.inputShape must be a list of positive integers, e.g. [1, 28, 28]", e);
        }
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException(c.getValue("model.inputShape").origin().description() + ": model.inputShape = " + dims
                        + " has a dimension < 1");
            }
        }
        return List.copyOf(dims);
    }

    private static long atLeastLong(Config c, String key, long min) {
        long v = c.getLong(key);
        if (v < min) {
            throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + " = " + v + " is out of range; accepted: ≥ " + min);
        }
        return v;
    }

    private static Schedule schedule(Config c, String key, double initial) {
        try {
            return Schedules.parse(c.getConfig(key).root().unwrapped(), initial);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + ": " + e.getMessage(), e);
        }
    }

    private static String shuffle(Config c) {
        return oneOf(c, "training.shuffle", List.of("auto", "partition", "global"));
    }

    /** The {@code engine.*} keys as one typed record, with {@code engine.reduction = auto} resolved. */
    private static org.descent.engine.EngineOptions engine(Config c, List<String> layers) {
        String sync = batchNormMode(c);
        List<org.descent.nn.Layer> parsed = new java.util.ArrayList<>();
        for (String spec : layers) {
            try {
                parsed.add(org.descent.models.LayerSpecs.parse(spec));
            } catch (IllegalArgumentException e) {
                // a bad spec is named later, with the layer's place and input shape
            }
        }
        java.util.Optional<String> dropout = EngineOptions.firstDropout(parsed);
        EngineOptions.Reduction requested = option(c, "engine.reduction", EngineOptions.Reduction.class);
        EngineOptions.Reduction reduction;
        try {
            reduction = EngineOptions.resolveReduction(requested, sync.equals("sync"), dropout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.getValue("engine.reduction").origin().description() + ": " + e.getMessage(), e);
        }
        return new EngineOptions(option(c, "engine.mode", EngineOptions.Mode.class), option(c, "engine.transport", EngineOptions.Transport.class),
                reduction, option(c, "engine.exchange", EngineOptions.Exchange.class), (int) atLeast(c, "engine.treeFanout", 1),
                (int) atLeast(c, "engine.timeoutSeconds", 1), sync.equals("sync"), overlap(c));
    }

    /** {@code engine.overlap}: auto, or a boolean (true/false, on/off, yes/no). */
    private static EngineOptions.Overlap overlap(Config c) {
        String v = c.getString("engine.overlap").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "auto" -> EngineOptions.Overlap.AUTO;
            case "true", "on", "yes" -> EngineOptions.Overlap.ON;
            case "false", "off", "no" -> EngineOptions.Overlap.OFF;
            default -> throw new IllegalArgumentException(c.getValue("engine.overlap").origin().description() + ": engine.overlap = '" + v
                    + "'; accepted: auto, true, false");
        };
    }

    /** An {@code engine.*} key naming one of {@code type}'s constants, in lower case. */
    private static <E extends Enum<E>> E option(Config c, String key, Class<E> type) {
        List<String> accepted = java.util.Arrays.stream(type.getEnumConstants()).map(EngineOptions::name).toList();
        return EngineOptions.parse(type, oneOf(c, key, accepted));
    }

    /** True for {@code engine.reduction = exact} (resolved). */
    public boolean exactReduction() {
        return engine.exactSums();
    }

    private static String batchNormMode(Config c) {
        String mode = oneOf(c, "batchNorm.mode", List.of("local", "sync"));
        if (mode.equals("sync") && c.getString("engine.mode").equals("job")) {
            throw new IllegalArgumentException(c.getValue("batchNorm.mode").origin().description()
                    + ": batchNorm.mode = sync exchanges statistics inside a step and needs engine.mode = barrier (or auto)");
        }
        return mode;
    }

    private static double minDelta(Config c) {
        double v = c.getDouble("earlyStopping.minDelta");
        if (!(v >= 0)) {
            throw new IllegalArgumentException(c.getValue("earlyStopping.minDelta").origin().description() + ": earlyStopping.minDelta = " + v
                    + " is out of range; accepted: ≥ 0");
        }
        if (c.getInt("earlyStopping.patience") > 0 && c.getInt("data.validationSize") == 0) {
            throw new IllegalArgumentException(c.getValue("earlyStopping.patience").origin().description()
                    + ": earlyStopping.patience needs validation data: set data.validationSize > 0 (the test set is never used to choose)");
        }
        return v;
    }

    private static int atLeast(Config c, String key, int min) {
        int v = c.getInt(key);
        if (v < min) {
            throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + " = " + v + " is out of range; accepted: ≥ " + min);
        }
        return v;
    }

    private static String oneOf(Config c, String key, List<String> accepted) {
        String v = c.getString(key);
        if (!accepted.contains(v)) {
            throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + " = '" + v + "' is not one of " + accepted);
        }
        return v;
    }

    /** Every key with its default, in order, for documentation and help. */
    public static List<String> referenceKeys() {
        List<String> keys = new ArrayList<>();
        defaults().entrySet().forEach(e -> keys.add(e.getKey() + " = " + e.getValue().render()));
        keys.sort(String::compareTo);
        return keys;
    }
}
