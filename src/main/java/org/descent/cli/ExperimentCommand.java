package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.descent.bench.Experiment;
import org.descent.config.TrainConfig;
import org.descent.app.TrainingJob;
import org.descent.io.AtomicFiles;
import org.descent.report.LineChart;
import org.descent.report.RunMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code descent bench experiment FILE}: trains every variant of an experiment file in turn (each a
 * full {@code train} run with its own run directory and report), then prints a table of the
 * outcomes and draws the variants' curves on shared axes: {@code accuracy.png} (test or validation
 * accuracy against steps), {@code loss.png} (training loss, a moving average over the steps) and
 * {@code results.md} (the table, the experiment's description and the command).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the variants of an experiment file (conf/experiments/*.conf) and compare them: a table, accuracy.png, loss.png, results.md.")
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The experiment, e.g. conf/experiments/optimizers.conf.")
    Path file;
    @Option(names = "--master", description = "Spark master URL (default local[*]).")
    String master;
    @Option(names = "--out", description = "Output directory (default runs/experiment-<name>).")
    Path out;
    @Option(names = "--only", split = ",", description = "Run only these variants.")
    List<String> only;
    @Option(names = "--set", description = "An override for every variant (after the file's), e.g. --set training.epochs=1 (repeatable).")
    List<String> settings = new ArrayList<>();

    /** One variant's outcome. */
    record Outcome(String name, TrainingJob.Summary summary, RunMetrics metrics, String failure) {
    }

    @Override
    public Integer call() throws IOException {
        Experiment experiment = Experiment.load(file);
        List<Experiment.Variant> variants = experiment.variants().stream().filter(v -> only == null || only.contains(v.name())).toList();
        if (variants.isEmpty()) {
            throw new UsageException("--only " + only + " names no variant of " + file + " (variants: "
                    + String.join(", ", experiment.variants().stream().map(Experiment.Variant::name).toList()) + ")");
        }
        Path dir = out != null ? out : Path.of("runs", "experiment-" + file.getFileName().toString().replaceFirst("\\.conf$", ""));
        List<TrainConfig> configs = new ArrayList<>();
        for (Experiment.Variant v : variants) {   // every variant is validated before the first one trains
            List<String> sets = experiment.overridesOf(v);
            sets.addAll(settings);
            try {
                configs.add(TrainConfig.load(experiment.base(), sets));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("variant " + v.name() + ": " + e.getMessage(), e);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d variants -> %s%n", experiment.title(), variants.size(), dir);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            String name = variants.get(i).name();
            System.out.printf(Locale.ROOT, "--- %s (%s)%n", name, String.join(" ", variants.get(i).overrides()));
            Path run = dir.resolve(name);
            try {
                TrainingJob.Summary s = new TrainingJob(configs.get(i), master, run, false).run();
                outcomes.add(new Outcome(name, s, RunMetrics.read(run.resolve("metrics.jsonl")), null));
            } catch (org.descent.engine.DivergenceException e) {
                // A variant that blows up is a result of the comparison (e.g. exploding signals), not a failure of the experiment.
                System.out.println(name + ": " + e.getMessage());
                outcomes.add(new Outcome(name, null, null, e.getMessage().replaceFirst(":.*", "")));
            }
        }
        String table = table(outcomes);
        System.out.println();
        System.out.println(experiment.title());
        System.out.print(table);
        boolean byEpoch = experiment.axis().equals("epochs");
        boolean lossMeasure = experiment.measure().equals("loss");
        String evaluated = lossMeasure ? "evaluated-loss.png" : "accuracy.png";
        chart((lossMeasure ? "Evaluated loss: " : "Accuracy: ") + experiment.title(), lossMeasure ? "loss (validation, else test)" : "accuracy",
                outcomes, lossMeasure ? Curve.EVALUATED_LOSS : Curve.ACCURACY, byEpoch).writePng(dir.resolve(evaluated), 960, 540);
        chart("Training loss: " + experiment.title(), "training loss (moving average of 50 steps)", outcomes, Curve.TRAINING_LOSS, byEpoch)
                .writePng(dir.resolve("loss.png"), 960, 540);
        String seedTable = lossMeasure ? seedTable(experiment.row().isEmpty() ? "test loss" : experiment.row(), outcomes) : "";
        if (!seedTable.isEmpty()) {
            System.out.print(seedTable);
        }
        String md = "# " + experiment.title() + "\n\n" + (experiment.about().isEmpty() ? "" : experiment.about() + "\n\n")
                + "`submit/descent bench experiment " + file + (settings.isEmpty() ? "" : " --set " + String.join(" --set ", settings))
                + (master == null ? "" : " --master '" + master + "'") + "`\n\n" + table + (seedTable.isEmpty() ? "" : "\n" + seedTable)
                + "\n![" + (lossMeasure ? "evaluated loss" : "accuracy") + "](" + evaluated + ")\n![loss](loss.png)\n";
        AtomicFiles.writeString(dir.resolve("results.md"), md);
        System.out.println("plots and table: " + dir.resolve("results.md"));
        return 0;
    }

    static String table(List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder("| variant | test accuracy | test loss | best epoch | epochs | steps | wall s | examples/s |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            TrainingJob.Summary s = o.summary();
            if (s == null) {
                b.append("| ").append(o.name()).append(" | ").append(o.failure()).append(" | | | | | | |\n");
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %s | %d | %d | %.1f | %,.0f |%n", o.name(), s.testAccuracy(), s.testLoss(),
                    s.bestEpoch() > 0 ? Integer.toString(s.bestEpoch()) : "–", s.epochs(), s.steps(), s.wallSeconds(), s.examplesPerSecond()));
        }
        return b.toString();
    }

    /** The final test loss of each variant in one row, variants as columns (the seeds' table of reconstruction errors). */
    static String seedTable(String row, List<Outcome> outcomes) {
        StringBuilder head = new StringBuilder("| task |");
        StringBuilder rule = new StringBuilder("|---|");
        StringBuilder values = new StringBuilder("| ").append(row).append(" |");
        for (Outcome o : outcomes) {
            head.append(' ').append(o.name()).append(" |");
            rule.append("---|");
            values.append(' ').append(o.summary() == null ? o.failure() : String.format(Locale.ROOT, "%.3f", o.summary().testLoss())).append(" |");
        }
        return head + "\n" + rule + "\n" + values + "\n";
    }

    /** What a chart draws for each variant. */
    enum Curve { ACCURACY, EVALUATED_LOSS, TRAINING_LOSS }

    /**
     * Accuracy or evaluated loss (every evaluation, else every epoch; validation if present, else test), or
     * smoothed training loss, against steps or against epochs (steps over the variant's steps per epoch).
     */
    static LineChart chart(String title, String yLabel, List<Outcome> outcomes, Curve curve, boolean byEpoch) {
        LineChart chart = new LineChart(title, byEpoch ? "epochs" : "steps", yLabel);
        for (Outcome o : outcomes) {
            if (o.metrics() == null) {
                continue;
            }
            double perEpoch = byEpoch && !o.metrics().epochs().isEmpty() ? o.metrics().epochs().get(0).steps() : 1;
            List<double[]> points = new ArrayList<>();
            if (curve == Curve.TRAINING_LOSS) {
                List<RunMetrics.Step> steps = o.metrics().steps();
                double window = 0;
                java.util.ArrayDeque<Double> last = new java.util.ArrayDeque<>();
                int stride = Math.max(1, steps.size() / 400);
                for (int i = 0; i < steps.size(); i++) {
                    double l = steps.get(i).loss();
                    if (!Double.isFinite(l)) {
                        continue;
                    }
                    last.addLast(l);
                    window += l;
                    if (last.size() > 50) {
                        window -= last.removeFirst();
                    }
                    if (i % stride == 0 || i == steps.size() - 1) {
                        points.add(new double[] {steps.get(i).done() / perEpoch, window / last.size()});
                    }
                }
            } else {
                List<double[]> byEvaluation = new ArrayList<>();
                boolean accuracy = curve == Curve.ACCURACY;
                for (RunMetrics.Evaluation e : o.metrics().evaluations()) {
                    double a = accuracy ? validationElseTest(e.validationAccuracy(), e.testAccuracy()) : validationElseTest(e.validationLoss(), e.testLoss());
                    if (Double.isFinite(a)) {
                        byEvaluation.add(new double[] {e.step() / perEpoch, a});
                    }
                }
                for (RunMetrics.Epoch e : o.metrics().epochs()) {
                    double a = accuracy ? validationElseTest(e.validationAccuracy(), e.testAccuracy()) : validationElseTest(e.validationLoss(), e.testLoss());
                    if (Double.isFinite(a)) {
                        byEvaluation.add(new double[] {e.steps() / perEpoch, a});   // steps done by the epoch's end
                    }
                }
                byEvaluation.sort((p, q) -> Double.compare(p[0], q[0]));
                points = byEvaluation;
            }
            chart.add(o.name(), points);
        }
        return chart;
    }

    private static double validationElseTest(double validation, double test) {
        return Double.isFinite(validation) ? validation : test;
    }
}
