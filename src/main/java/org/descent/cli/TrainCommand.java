package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.descent.config.TrainConfig;
import org.descent.app.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code descent train CONF}: data-parallel training on Spark, writing a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model on Spark as a configuration file describes (HOCON; every key, its default and meaning: conf/reference.conf, or --keys).",
            "Without --master, spark-submit's master is used, else embedded local[*]."})
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONF", description = "The configuration file, e.g. conf/quickstart.conf.")
    Path conf;

    @Option(names = "--set", description = "Override a key: --set training.epochs=2 (repeatable).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--master", description = "Spark master URL: local[2], local-cluster[2,1,1024], spark://host:7077, ...")
    String master;

    @Option(names = "--out", description = "Run directory (default: runs/<conf name>-<time>).")
    Path out;

    @Option(names = "--resume", description = "Continue from the newest checkpoint (in --out's checkpoints/ or checkpoint.dir); "
            + "the result equals an uninterrupted run.")
    boolean resume;

    @Option(names = "--keys", description = "Print every configuration key with its default and exit.")
    boolean keys;

    @Override
    public Integer call() throws IOException {
        if (keys) {
            TrainConfig.referenceKeys().forEach(System.out::println);
            return 0;
        }
        if (conf == null) {
            throw new UsageException("train needs a configuration file (e.g. conf/quickstart.conf)");
        }
        TrainConfig config = TrainConfig.load(conf, settings);
        if (resume && out == null) {
            throw new UsageException("--resume needs --out, the run directory to continue");
        }
        Path dir = out != null ? out : Path.of("runs", conf.getFileName().toString().replaceFirst("\\.conf$", "") + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        TrainingJob job = new TrainingJob(config, master, dir, resume);
        job.model();
        TrainingJob.Summary s = job.run();
        String scores = Double.isNaN(s.testAccuracy()) ? String.format(Locale.ROOT, "test loss %.4f", s.testLoss())
                : String.format(Locale.ROOT, "test accuracy %.4f, test loss %.4f", s.testAccuracy(), s.testLoss());
        System.out.printf(Locale.ROOT, "%s after %d epochs (%d steps) in %.1f s; %s%n", scores, s.epochs(), s.steps(), s.wallSeconds(), dir.resolve("summary.json"));
        return 0;
    }
}
