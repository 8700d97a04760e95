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

    @Option(names = "--rows", split = ",", description = "Run only these rows of a table of tasks.")
    List<String> onlyRows;

    /** One variant's outcome: a training run's summary and metrics, a failure, or the constant-predictor baseline. */
    record Outcome(String name, TrainingJob.Summary summary, RunMetrics metrics, String failure, double baseline) {
        Outcome(String name, TrainingJob.Summary summary, RunMetrics metrics, String failure) {
            this(name, summary, metrics, failure, Double.NaN);
        }

        /** The final test loss, or the baseline's loss; NaN for a failure. */
        double loss() {
            return summary != null ? summary.testLoss() : baseline;
        }
    }

    @Override
    public Integer call() throws IOException {
        Experiment experiment = Experiment.load(file);
        List<Experiment.Variant> variants = experiment.variants().stream().filter(v -> only == null || only.contains(v.name())).toList();
        if (variants.isEmpty()) {
            throw new UsageException("--only " + only + " names no variant of " + file + " (variants: "
                    + String.join(", ", experiment.variants().stream().map(Experiment.Variant::name).toList()) + ")");
        }
        List<Experiment.Row> rows = experiment.rows().stream().filter(r -> onlyRows == null || onlyRows.contains(r.name())).toList();
        if (rows.isEmpty()) {
            throw new UsageException("--rows " + onlyRows + " names no row of " + file + " (rows: "
                    + String.join(", ", experiment.rows().stream().map(Experiment.Row::name).toList()) + ")");
        }
        boolean tabular = experiment.tabular();
        Path dir = out != null ? out : Path.of("runs", "experiment-" + file.getFileName().toString().replaceFirst("\\.conf$", ""));
        List<List<TrainConfig>> configs = new ArrayList<>();
        for (Experiment.Row row : rows) {   // every variant of every row is validated before the first one trains
            List<TrainConfig> rowConfigs = new ArrayList<>();
            for (Experiment.Variant v : variants) {
                List<String> sets = experiment.overridesOf(row, v);
                sets.addAll(settings);
                String which = (tabular ? "row " + row.name() + ", " : "") + "variant " + v.name();
                try {
                    TrainConfig config = TrainConfig.load(experiment.base(), sets);
                    if (v.constantBaseline() && problem(config) == null) {
                        throw new IllegalArgumentException("baseline = constant needs a long-range problem (data.format = synthetic, data.synthetic.kind = "
                                + "addition, multiplication or memorization)");
                    }
                    rowConfigs.add(config);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(which + ": " + e.getMessage(), e);
                }
            }
            configs.add(rowConfigs);
        }
        System.out.printf(Locale.ROOT, "%s: %d variants%s -> %s%n", experiment.title(), variants.size(), tabular ? " × " + rows.size() + " rows" : "", dir);
        boolean byEpoch = experiment.axis().equals("epochs");
        boolean lossMeasure = experiment.measure().equals("loss");
        String evaluated = lossMeasure ? "evaluated-loss.png" : "accuracy.png";
        List<List<Outcome>> results = new ArrayList<>();
        StringBuilder sections = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            Experiment.Row row = rows.get(r);
            String rowDir = tabular ? slug(row.name()) + "/" : "";
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++) {
                Experiment.Variant v = variants.get(i);
                TrainConfig config = configs.get(r).get(i);
                if (v.constantBaseline()) {
                    double loss = problem(config).constantPredictorLoss();
                    System.out.printf(Locale.ROOT, "--- %s%s: the best constant predictor, test loss %.4f (no training)%n", tabular ? row.name() + " / " : "", v.name(), loss);
                    outcomes.add(new Outcome(v.name(), null, null, null, loss));
                    continue;
                }
                System.out.printf(Locale.ROOT, "--- %s%s (%s)%n", tabular ? row.name() + " / " : "", v.name(), String.join(" ", v.overrides()));
                Path run = dir.resolve(rowDir + v.name());
                try {
                    TrainingJob.Summary s = new TrainingJob(config, master, run, false).run();
                    outcomes.add(new Outcome(v.name(), s, RunMetrics.read(run.resolve("metrics.jsonl")), null));
                } catch (org.descent.engine.DivergenceException e) {
                    // A variant that blows up is a result of the comparison (e.g. exploding signals), not a failure of the experiment.
                    System.out.println(v.name() + ": " + e.getMessage());
                    // Its curves up to the divergence still belong on the plots (a cliff is what the comparison may be about).
                    RunMetrics partial = java.nio.file.Files.isRegularFile(run.resolve("metrics.jsonl")) ? RunMetrics.read(run.resolve("metrics.jsonl")) : null;
                    outcomes.add(new Outcome(v.name(), null, partial, e.getMessage().replaceFirst(":.*", "")));
                }
            }
            results.add(outcomes);
            String table = table(outcomes);
            System.out.println();
            System.out.println(experiment.title() + (tabular ? ": " + row.name() : ""));
            System.out.print(table);
            String title = experiment.title() + (tabular ? ": " + row.name() : "");
            if (outcomes.stream().allMatch(o -> o.metrics() == null)) {
                sections.append(tabular ? "## " + row.name() + "\n\n" : "").append(table).append('\n');
                continue;   // nothing trained (baselines and failures only): nothing to draw
            }
            chart((lossMeasure ? "Evaluated loss: " : "Accuracy: ") + title, lossMeasure ? "loss (validation, else test)" : "accuracy",
                    outcomes, lossMeasure ? Curve.EVALUATED_LOSS : Curve.ACCURACY, byEpoch).writePng(dir.resolve(rowDir + evaluated), 960, 540);
            chart("Training loss: " + title, "training loss (moving average of 50 steps)", outcomes, Curve.TRAINING_LOSS, byEpoch)
                    .writePng(dir.resolve(rowDir + "loss.png"), 960, 540);
            sections.append(tabular ? "## " + row.name() + "\n\n" : "").append(table).append("\n![").append(lossMeasure ? "evaluated loss" : "accuracy")
                    .append("](").append(rowDir).append(evaluated).append(")\n![loss](").append(rowDir).append("loss.png)\n");
            if (outcomes.stream().anyMatch(o -> o.metrics() != null && !o.metrics().probes().isEmpty())) {
                probeChart("Input of one unit (15th, 50th, 85th percentiles): " + title, outcomes, byEpoch).writePng(dir.resolve(rowDir + "probe.png"), 960, 540);
                sections.append("![probe](").append(rowDir).append("probe.png)\n");
            }
            sections.append('\n');
        }
        String seedTable = lossMeasure ? seedTable(rows, results, variants, experiment.variants(), tabular) : "";
        if (!seedTable.isEmpty()) {
            System.out.println();
            System.out.print(seedTable);
        }
        String md = "# " + experiment.title() + "\n\n" + (experiment.about().isEmpty() ? "" : experiment.about() + "\n\n")
                + "`submit/descent bench experiment " + file + (settings.isEmpty() ? "" : " --set " + String.join(" --set ", settings))
                + (master == null ? "" : " --master '" + master + "'") + "`\n\n" + (seedTable.isEmpty() ? "" : seedTable + "\n") + sections;
        AtomicFiles.writeString(dir.resolve("results.md"), md);
        System.out.println("plots and table: " + dir.resolve("results.md"));
        return 0;
    }

    /** The long-range problem a configuration trains on, or null. */
    private static org.descent.data.LongRangeProblem problem(TrainConfig config) {
        return config.data().format().equals("synthetic") ? config.data().synthetic().problem() : null;
    }

    /** A row's name as a directory name: letters, digits, '.', '-' and '_' kept, anything else '-'. */
    static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]+", "-");
    }

    static String table(List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder("| variant | test accuracy | test loss | best epoch | epochs | steps | wall s | examples/s | memory/step |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            TrainingJob.Summary s = o.summary();
            if (s == null) {
                // Nine cells as the header: the failure spans the accuracy cell; the baseline fills accuracy and loss.
                b.append("| ").append(o.name()).append(" | ").append(o.failure() != null ? o.failure() + " | | | | | | | |\n"
                        : String.format(Locale.ROOT, "– | %.4f (the best constant predictor) | | | | | | |%n", o.baseline()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %s | %d | %d | %.1f | %,.0f | %s |%n", o.name(), s.testAccuracy(), s.testLoss(),
                    s.bestEpoch() > 0 ? Integer.toString(s.bestEpoch()) : "–", s.epochs(), s.steps(), s.wallSeconds(), s.examplesPerSecond(),
                    s.stepMemoryBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.2f MB", s.stepMemoryBytes() / 1e6)));
        }
        return b.toString();
    }

    /**
     * The final test loss of each variant, variants as columns and one line per row (the seeds' tables), with the
     * paper's figures beside them where the experiment gives them; when a variant is the constant baseline, also every
     * figure as a fraction of that baseline's, for Descent and for the paper (losses whose scale differs compare so).
     * {@code all} is the experiment's every variant, whose order the paper's figures follow ({@code --only} runs some).
     */
    static String seedTable(List<Experiment.Row> rows, List<List<Outcome>> results, List<Experiment.Variant> variants, List<Experiment.Variant> all,
                            boolean tabular) {
        StringBuilder b = new StringBuilder("| task |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Experiment.Variant v : variants) {
            b.append(' ').append(v.name()).append(" |");
            rule.append("---|");
        }
        b.append('\n').append(rule).append('\n');
        int baseline = -1;
        for (int i = 0; i < variants.size(); i++) {
            if (variants.get(i).constantBaseline()) {
                baseline = i;
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            Experiment.Row row = rows.get(r);
            List<Outcome> outcomes = results.get(r);
            String name = row.name().isEmpty() ? "test loss" : row.name();
            b.append("| ").append(tabular ? name + " (Descent)" : name).append(" |");
            for (Outcome o : outcomes) {
                b.append(' ').append(o.failure() != null ? o.failure() : figure(o.loss(), tabular)).append(" |");
            }
            b.append('\n');
            if (!row.paper().isEmpty()) {
                b.append("| ").append(name).append(" (paper) |");
                for (Experiment.Variant v : variants) {
                    b.append(' ').append(figure(row.paper().get(all.indexOf(v)), true)).append(" |");
                }
                b.append('\n');
            }
            if (baseline >= 0) {
                double base = outcomes.get(baseline).loss();
                b.append("| ").append(name).append(" (Descent) ÷ ").append(variants.get(baseline).name()).append(" |");
                for (Outcome o : outcomes) {
                    b.append(' ').append(o.failure() != null ? o.failure() : figure(o.loss() / base, true)).append(" |");
                }
                b.append('\n');
                if (!row.paper().isEmpty()) {
                    double paperBase = row.paper().get(all.indexOf(variants.get(baseline)));
                    b.append("| ").append(name).append(" (paper) ÷ ").append(variants.get(baseline).name()).append(" |");
                    for (Experiment.Variant v : variants) {
                        b.append(' ').append(figure(row.paper().get(all.indexOf(v)) / paperBase, true)).append(" |");
                    }
                    b.append('\n');
                }
            }
        }
        return b.toString();
    }

    /** Three decimals (the classic one-row table); in a table of tasks three significant digits, small values in e-notation. */
    static String figure(double v, boolean significant) {
        if (!significant) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return Math.abs(v) >= 0.01 || v == 0 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    /** One colour per variant on the probe chart, whose three percentiles share it. */
    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728), new java.awt.Color(0x2ca02c),
        new java.awt.Color(0xff7f0e), new java.awt.Color(0x9467bd), new java.awt.Color(0x8c564b), new java.awt.Color(0xe377c2), new java.awt.Color(0x17becf)};

    /**
     * The probe lines' percentiles (probe.*), as the BN paper's Figure 1 draws them: per variant one colour, the median
     * with markers and the 15th and 85th percentiles as thin lines, against steps or epochs.
     */
    static LineChart probeChart(String title, List<Outcome> outcomes, boolean byEpoch) {
        LineChart chart = new LineChart(title, byEpoch ? "epochs" : "steps", "unit input (test examples, evaluation mode)");
        int v = 0;
        for (Outcome o : outcomes) {
            if (o.metrics() == null || o.metrics().probes().isEmpty()) {
                continue;
            }
            java.awt.Color color = PALETTE[v++ % PALETTE.length];
            if (byEpoch && o.metrics().epochs().isEmpty()) {
                continue;   // diverged in its first epoch: no epoch length to scale its steps by
            }
            double perEpoch = byEpoch ? o.metrics().epochs().get(0).steps() : 1;
            List<RunMetrics.Probe> probes = o.metrics().probes();
            double[] x = new double[probes.size()];
            double[][] q = new double[3][probes.size()];
            for (int i = 0; i < probes.size(); i++) {
                RunMetrics.Probe p = probes.get(i);
                x[i] = p.step() / perEpoch;
                q[0][i] = p.p15();
                q[1][i] = p.p50();
                q[2][i] = p.p85();
            }
            chart.add(o.name() + " 15th", x, q[0], LineChart.Style.THIN_LINE, color);
            chart.add(o.name() + " median", x, q[1], LineChart.Style.LINE_AND_MARKERS, color);
            chart.add(o.name() + " 85th", x, q[2], LineChart.Style.THIN_LINE, color);
        }
        return chart;
    }

    /** What a chart draws for each variant. */
    enum Curve { ACCURACY, EVALUATED_LOSS, TRAINING_LOSS }

    /**
     * Accuracy or evaluated loss (every evaluation, else every epoch; validation if present, else test), or
     * smoothed training loss, against steps or against epochs (steps over the variant's steps per epoch).
     */
    static LineChart chart(String title, String yLabel, List<Outcome> outcomes, Curve curve, boolean byEpoch) {
        LineChart chart = new LineChart(title, byEpoch ? "epochs" : "steps", yLabel);
        double largestKept = 0;
        double largestDiverged = 0;
        for (Outcome o : outcomes) {
            if (o.metrics() == null) {
                continue;
            }
            if (byEpoch && o.metrics().epochs().isEmpty()) {
                continue;   // diverged in its first epoch: no epoch length to scale its steps by
            }
            double perEpoch = byEpoch ? o.metrics().epochs().get(0).steps() : 1;
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
            double top = points.stream().mapToDouble(q -> q[1]).filter(Double::isFinite).max().orElse(Double.NaN);
            if (o.failure() == null && Double.isFinite(top)) {
                largestKept = Math.max(largestKept, top);
            } else if (o.failure() != null && Double.isFinite(top)) {
                largestDiverged = Math.max(largestDiverged, top);
            }
        }
        if (largestKept > 0 && largestDiverged > 4 * largestKept) {
            // A diverged curve's cliff (losses of 1e38) would flatten every other curve to zero: it leaves the top instead.
            chart.yMax(2 * largestKept);
        }
        return chart;
    }

    private static double validationElseTest(double validation, double test) {
        return Double.isFinite(validation) ? validation : test;
    }
}
