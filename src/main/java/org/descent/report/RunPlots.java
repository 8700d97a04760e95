package org.descent.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.descent.report.LineChart.Style;

/**
 * The PNG plots of a run, from its metrics: {@code loss.png}, {@code accuracy.png},
 * {@code learning-rate.png}, {@code momentum.png} and {@code step-time.png}, each {@link #WIDTH} ×
 * {@link #HEIGHT}. Every plot has the steps done on its x axis, so per-step, per-evaluation and
 * per-epoch points line up (an epoch's point sits at the step count where it ended). A plot whose
 * metrics are absent is not written, and a stale copy of it from an earlier report is removed.
 * Per-step series of more than {@link #MAX_POINTS} steps are drawn as bucket means.
 */
public final class RunPlots {
    /** Width of every plot, in pixels. */
    public static final int WIDTH = 960;
    /** Height of every plot, in pixels. */
    public static final int HEIGHT = 540;
    /** The most points a per-step series is drawn with. */
    public static final int MAX_POINTS = 2000;

    /** Every file this class may write, in the order of the report. */
    public static final List<String> FILES = List.of("loss.png", "accuracy.png", "learning-rate.png", "momentum.png", "step-time.png");

    /** A plot written: its file name in the run directory and a one-line description. */
    public record Plot(String file, String caption) {
    }

    private static final Color TRAIN_LIGHT = new Color(0xaec7e8);
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color TRAIN_EPOCH = new Color(0x0b3c68);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color TEST = new Color(0x2ca02c);
    private static final Color[] TIME_BANDS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};

    private final RunMetrics metrics;
    private final Map<Integer, Double> epochEnd = new HashMap<>();

    private RunPlots(RunMetrics metrics) {
        this.metrics = metrics;
        Map<Integer, Long> lastStep = new HashMap<>();
        for (RunMetrics.Step s : metrics.steps()) {
            if (Double.isFinite(s.epoch())) {
                lastStep.merge((int) s.epoch(), s.done(), Math::max);
            }
        }
        for (RunMetrics.Epoch e : metrics.epochs()) {
            Long last = lastStep.get(e.epoch());
            epochEnd.put(e.epoch(), Double.isFinite(e.steps()) ? e.steps() : last != null ? last : Double.NaN);
        }
    }

    /** Writes the plots the metrics allow into {@code dir} and returns them, in report order. */
    public static List<Plot> write(RunMetrics metrics, Path dir) throws IOException {
        return new RunPlots(metrics).writeAll(dir);
    }

    private List<Plot> writeAll(Path dir) throws IOException {
        Map<String, Plot> written = new HashMap<>();
        String heldOut = heldOut();
        written.putAll(write(dir, "loss.png", lossChart(), "Training loss per step (light) and its moving average; mean training loss of each epoch"
                + (heldOut.isEmpty() ? "." : "; " + heldOut + " loss at the steps where it was evaluated.")));
        written.putAll(write(dir, "accuracy.png", accuracyChart(), "Accuracy at the steps where it was evaluated (end of each epoch, and every k steps when configured)."));
        written.putAll(write(dir, "learning-rate.png", stepChart("Learning rate", "learning rate", RunMetrics.Step::learningRate, TRAIN),
                "Learning rate applied at each step."));
        written.putAll(write(dir, "momentum.png", stepChart("Momentum", "momentum", RunMetrics.Step::momentum, VALIDATION),
                "Momentum coefficient at each step."));
        written.putAll(write(dir, "step-time.png", stepTimeChart(), "Wall time of each step, stacked by part: computation on the executors, "
                + "parameter broadcast, aggregation on the driver and the rest (scheduling)."));
        List<Plot> plots = new ArrayList<>();
        for (String file : FILES) {
            Plot p = written.get(file);
            if (p != null) {
                plots.add(p);
            } else {
                Files.deleteIfExists(dir.resolve(file));
            }
        }
        return plots;
    }

    /** "validation and test", "validation", "test" or "": the held-out sets the metrics evaluate. */
    private String heldOut() {
        boolean validation = metrics.anyEpoch(RunMetrics.Epoch::validationLoss) || metrics.anyEvaluation(RunMetrics.Evaluation::validationLoss);
        boolean test = metrics.anyEpoch(RunMetrics.Epoch::testLoss) || metrics.anyEvaluation(RunMetrics.Evaluation::testLoss);
        return validation && test ? "validation and test" : validation ? "validation" : test ? "test" : "";
    }

    private static Map<String, Plot> write(Path dir, String file, LineChart chart, String caption) throws IOException {
        if (chart == null || !chart.hasPoints()) {
            return Map.of();
        }
        chart.writePng(dir.resolve(file), WIDTH, HEIGHT);
        return Map.of(file, new Plot(file, caption));
    }

    private LineChart lossChart() {
        LineChart chart = new LineChart("Loss", "step", "loss").xFromZero();
        double[][] train = stepSeries(RunMetrics.Step::loss);
        int window = Curves.window(train[0].length);
        double[][] raw = Curves.downsample(train[0], train[1], MAX_POINTS);
        chart.add("train, per step", raw[0], raw[1], window > 1 ? Style.THIN_LINE : Style.LINE, window > 1 ? TRAIN_LIGHT : TRAIN);
        if (window > 1) {
            double[][] smooth = Curves.downsample(train[0], Curves.movingAverage(train[1], window), MAX_POINTS);
            chart.add("train, mean of last " + window + " steps", smooth[0], smooth[1], Style.LINE, TRAIN);
        }
        addEpochSeries(chart, "train, epoch mean", RunMetrics.Epoch::trainLoss, TRAIN_EPOCH);
        addEvaluated(chart, "validation", RunMetrics.Epoch::validationLoss, RunMetrics.Evaluation::validationLoss, VALIDATION);
        addEvaluated(chart, "test", RunMetrics.Epoch::testLoss, RunMetrics.Evaluation::testLoss, TEST);
        return chart;
    }

    private LineChart accuracyChart() {
        LineChart chart = new LineChart("Accuracy", "step", "accuracy").xFromZero();
        addEpochSeries(chart, "train", RunMetrics.Epoch::trainAccuracy, TRAIN);
        addEvaluated(chart, "validation", RunMetrics.Epoch::validationAccuracy, RunMetrics.Evaluation::validationAccuracy, VALIDATION);
        addEvaluated(chart, "test", RunMetrics.Epoch::testAccuracy, RunMetrics.Evaluation::testAccuracy, TEST);
        return chart;
    }

    private LineChart stepChart(String title, String yLabel, ToDoubleFunction<RunMetrics.Step> field, Color color) {
        if (!metrics.anyStep(field)) {
            return null;
        }
        double[][] s = stepSeries(field);
        double[][] d = Curves.downsample(s[0], s[1], MAX_POINTS);
        LineChart chart = new LineChart(title, "step", yLabel).xFromZero().add(yLabel, d[0], d[1], Style.LINE, color);
        double largest = Arrays.stream(s[1]).filter(Double::isFinite).map(Math::abs).max().orElse(0);
        return largest < 0.01 ? chart.yDecimalPattern("0.##E0") : chart;
    }

    /** Stacked bands: each series is the sum of its part and the parts below it, drawn from the top band down. */
    private LineChart stepTimeChart() {
        if (!metrics.anyStep(RunMetrics.Step::ms)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<ToDoubleFunction<RunMetrics.Step>> parts = new ArrayList<>();
        boolean split = metrics.anyStep(RunMetrics.Step::computeMs) || metrics.anyStep(RunMetrics.Step::broadcastMs)
                || metrics.anyStep(RunMetrics.Step::aggregateMs);
        if (split) {
            names.add("compute");
            parts.add(s -> zeroIfNaN(s.computeMs()));
            if (metrics.steps().stream().anyMatch(s -> s.bnSyncMs() > 0)) {   // synchronized batch norm's exchange waits
                names.add("bn sync");
                parts.add(s -> zeroIfNaN(s.bnSyncMs()));
            }
            names.addAll(List.of("broadcast", "aggregate", "overhead"));
            parts.add(s -> zeroIfNaN(s.broadcastMs()));
            parts.add(s -> zeroIfNaN(s.aggregateMs()));
            parts.add(s -> Double.isFinite(s.overheadMs()) ? s.overheadMs()
                    : Math.max(0, s.ms() - zeroIfNaN(s.computeMs()) - zeroIfNaN(s.bnSyncMs()) - zeroIfNaN(s.broadcastMs()) - zeroIfNaN(s.aggregateMs())));
        } else {
            names.add("total");
            parts.add(RunMetrics.Step::ms);
        }
        int n = metrics.steps().size();
        double[] x = new double[n];
        double[][] cumulative = new double[parts.size()][n];
        for (int i = 0; i < n; i++) {
            RunMetrics.Step s = metrics.steps().get(i);
            x[i] = s.done();
            double sum = 0;
            boolean timed = Double.isFinite(s.ms());
            for (int p = 0; p < parts.size(); p++) {
                sum += parts.get(p).applyAsDouble(s);
                cumulative[p][i] = timed ? sum : Double.NaN;
            }
        }
        double[] totals = cumulative[parts.size() - 1];
        double typical = percentile(totals, 0.95);
        double slowest = Arrays.stream(totals).filter(Double::isFinite).max().orElse(Double.NaN);
        boolean cut = slowest > 3 * typical && typical > 0;
        String title = cut ? String.format(Locale.ROOT, "Step time (axis cut at %.0f ms; slowest step %.0f ms)", 2 * typical, slowest) : "Step time";
        LineChart chart = new LineChart(title, "step", "milliseconds").xFromZero().yFromZero();
        if (cut) {
            chart.yMax(2 * typical);
        }
        for (int p = parts.size() - 1; p >= 0; p--) {
            double mean = mean(cumulative[p]) - (p > 0 ? mean(cumulative[p - 1]) : 0);
            double[][] d = Curves.downsample(x, cumulative[p], MAX_POINTS);
            chart.add(String.format(Locale.ROOT, "%s (mean %.1f ms)", names.get(p), mean), d[0], d[1], Style.AREA, TIME_BANDS[p % TIME_BANDS.length]);
        }
        return chart;
    }

    private double[][] stepSeries(ToDoubleFunction<RunMetrics.Step> field) {
        List<RunMetrics.Step> steps = metrics.steps();
        double[] x = new double[steps.size()];
        double[] y = new double[steps.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps.get(i).done();
            y[i] = field.applyAsDouble(steps.get(i));
        }
        return new double[][] {x, y};
    }

    private void addEpochSeries(LineChart chart, String name, ToDoubleFunction<RunMetrics.Epoch> field, Color color) {
        TreeMap<Double, Double> points = new TreeMap<>();
        for (RunMetrics.Epoch e : metrics.epochs()) {
            points.put(epochEnd.get(e.epoch()), field.applyAsDouble(e));
        }
        addPoints(chart, name, points, color);
    }

    /** One series from the per-epoch value and the every-k-steps evaluations of the same metric, in step order. */
    private void addEvaluated(LineChart chart, String name, ToDoubleFunction<RunMetrics.Epoch> atEpoch,
                              ToDoubleFunction<RunMetrics.Evaluation> atStep, Color color) {
        TreeMap<Double, Double> points = new TreeMap<>();
        for (RunMetrics.Evaluation e : metrics.evaluations()) {
            points.put((double) e.step(), atStep.applyAsDouble(e));
        }
        for (RunMetrics.Epoch e : metrics.epochs()) {
            double y = atEpoch.applyAsDouble(e);
            if (Double.isFinite(y)) {
                points.put(epochEnd.get(e.epoch()), y);
            }
        }
        addPoints(chart, name, points, color);
    }

    private static void addPoints(LineChart chart, String name, TreeMap<Double, Double> points, Color color) {
        points.entrySet().removeIf(p -> !Double.isFinite(p.getKey()) || !Double.isFinite(p.getValue()));
        if (points.isEmpty()) {
            return;
        }
        double[] x = points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = points.values().stream().mapToDouble(Double::doubleValue).toArray();
        chart.add(name, x, y, x.length > 200 ? Style.LINE : Style.LINE_AND_MARKERS, color);
    }

    /** The q-quantile of the finite values (nearest rank), or NaN when there are none. */
    private static double percentile(double[] values, double q) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * finite.length);
        return finite[Math.max(0, Math.min(finite.length - 1, rank - 1))];
    }

    private static double zeroIfNaN(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static double mean(double[] v) {
        double sum = 0;
        int n = 0;
        for (double d : v) {
            if (Double.isFinite(d)) {
                sum += d;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
