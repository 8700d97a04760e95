package org.descent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.descent.io.AtomicFiles;
import org.descent.landscape.EffectiveMomentum;
import org.descent.landscape.TestFunction;
import org.descent.landscape.TestFunctions;
import org.descent.landscape.Trajectory;
import org.descent.optim.Optimizers;
import org.descent.report.ContourPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent landscape}: runs optimizers on a two-dimensional test function and writes their
 * trajectories as CSV and, on request, as a contour plot (the optimization deck's Beale and saddle figures).
 */
@Command(name = "landscape", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run optimizers on a 2-D test function; write the trajectories as CSV and optionally a contour plot.",
            "CSV columns: step,x,y,f (step 0 is the start point, then one row per update); with several optimizers "
                    + "a leading 'optimizer' column is added."})
final class LandscapeCommand implements Callable<Integer> {
    @Option(names = "--function", required = true, description = "Test function: ${COMPLETION-CANDIDATES}.",
            completionCandidates = FunctionNames.class)
    String function;

    @Option(names = "--optimizer", required = true, split = ",",
            description = "One or more optimizers, comma-separated: ${COMPLETION-CANDIDATES}.", completionCandidates = OptimizerNames.class)
    List<String> optimizers;

    @Option(names = "--lr", split = ",", description = "Learning rate (key learningRate): one number for every optimizer, and/or "
            + "name=value for one of them (e.g. --lr 0.01,momentum=0.002); default: each optimizer's own default.")
    List<String> learningRates = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "300", description = "Number of updates (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--start", split = ",", description = "Start point x,y (default: the function's usual start).")
    List<Double> start;

    @Option(names = "--set", description = "Hyperparameter key=value, repeatable (e.g. --set beta1=0.8 --set eps=1e-6); "
            + "applied to every listed optimizer that accepts the key. learningRateSchedule.* and momentumSchedule.* keys give schedules as in "
            + "train (e.g. --set momentumSchedule.type=sutskever --set momentumSchedule.max=0.99; the momentum schedule applies to momentum, "
            + "nesterov and lars).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--out", description = "CSV file to write (default: standard output).")
    Path out;

    @Option(names = "--plot", description = "PNG file: contours of the function with every trajectory.")
    Path plot;

    @Override
    public Integer call() throws IOException {
        TestFunction f = TestFunctions.byName(function);
        if (steps < 0) {
            throw new UsageException("--steps must be ≥ 0, got " + steps);
        }
        double[] from = f.defaultStart();
        if (start != null) {
            if (start.size() != 2) {
                throw new UsageException("--start takes two numbers x,y, got " + start.size());
            }
            from = new double[] {start.get(0), start.get(1)};
        }
        Map<String, Object> learningRateSchedule = scheduleSettings("learningRateSchedule.");
        Map<String, Object> momentumSchedule = scheduleSettings("momentumSchedule.");
        Map<String, Double> common = parseSettings();
        Map<String, Double> perOptimizer = perOptimizerRates();
        for (String key : common.keySet()) {
            boolean anyAccepts = optimizers.stream().anyMatch(o -> Optimizers.keys(o).containsKey(key));
            if (!anyAccepts) {
                // Let the first optimizer produce the standard message (nearest key, accepted list).
                Optimizers.create(optimizers.get(0), Map.of(key, common.get(key)));
            }
        }
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        for (String name : optimizers) {
            Map<String, Double> hyper = new LinkedHashMap<>();
            Map<String, Double> accepted = Optimizers.keys(name);
            common.forEach((k, v) -> {
                if (accepted.containsKey(k)) {
                    hyper.put(k, v);
                }
            });
            if (perOptimizer.containsKey(name)) {
                hyper.put("learningRate", perOptimizer.get(name));
            }
            String label = perOptimizer.isEmpty() ? name : name + " (lr " + hyper.getOrDefault("learningRate", accepted.get("learningRate")) + ")";
            double rate = hyper.getOrDefault("learningRate", accepted.get("learningRate"));
            org.descent.schedule.Schedule lr = learningRateSchedule.isEmpty() ? null : org.descent.schedule.Schedules.parse(learningRateSchedule, rate);
            if (lr instanceof org.descent.schedule.ReduceOnPlateau) {
                throw new UsageException("learningRateSchedule.type = plateau follows a loss evaluated after every epoch; landscape has none");
            }
            org.descent.schedule.Schedule mu = momentumSchedule.isEmpty() || !List.of("momentum", "nesterov", "lars").contains(name) ? null
                    : org.descent.schedule.Schedules.parse(momentumSchedule, hyper.getOrDefault("momentum", accepted.getOrDefault("momentum", 0.9)));
            runs.put(label, Trajectory.run(f, Optimizers.create(name, hyper, lr, mu), from, steps));
        }
        writeCsv(runs);
        if (f.curvatures() != null && out != null && learningRateSchedule.isEmpty() && runs.size() == optimizers.size()) {
            printEffectiveMomentum(f, runs, common, perOptimizer, momentumSchedule.isEmpty());
        }
        if (plot != null) {
            List<ContourPlot.Series> series = new ArrayList<>();
            runs.forEach((name, rows) -> {
                double[] xs = new double[rows.size()];
                double[] ys = new double[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    xs[i] = rows.get(i)[1];
                    ys[i] = rows.get(i)[2];
                }
                series.add(new ContourPlot.Series(name, xs, ys));
            });
            double[] b = f.bounds();
            Double shared = common.get("learningRate");
            String rates = !perOptimizer.isEmpty() ? ", learning rate per optimizer" : shared != null ? ", learning rate " + shared : "";
            String title = String.format(Locale.ROOT, "%s, %d steps%s", f.name(), steps, rates);
            new ContourPlot(900, 650).render(f::value, b[0], b[1], b[2], b[3], series, title, plot);
        }
        return 0;
    }

    /**
     * On a quadratic, the deck's effective-momentum argument beside what the trajectories did: per optimizer with
     * momentum and per axis, the effective momentum (μ for momentum, μ(1 − λε) for nesterov), the contraction per step it
     * predicts ({@link EffectiveMomentum#rate}) and the one measured over the last half of the run.
     */
    private void printEffectiveMomentum(TestFunction f, Map<String, List<double[]>> runs, Map<String, Double> common, Map<String, Double> perOptimizer,
                                        boolean constantMomentum) {
        double[] curvatures = f.curvatures();
        System.out.println("optimizer      axis  curvature  effective momentum  predicted rate  measured rate");
        int i = 0;
        for (Map.Entry<String, List<double[]>> run : runs.entrySet()) {
            String name = optimizers.get(i++);
            if (!constantMomentum || !List.of("momentum", "nesterov").contains(name)) {
                continue;
            }
            Map<String, Double> accepted = Optimizers.keys(name);
            double lr = perOptimizer.getOrDefault(name, common.getOrDefault("learningRate", accepted.get("learningRate")));
            double mu = common.getOrDefault("momentum", accepted.get("momentum"));
            List<double[]> rows = run.getValue();
            for (int axis = 0; axis < 2; axis++) {
                double m = name.equals("nesterov") ? EffectiveMomentum.nesterov(mu, lr, curvatures[axis]) : mu;
                System.out.printf(Locale.ROOT, "%-14s %-5s %9.1f  %18.4f  %14.4f  %13s%n", name, axis == 0 ? "x" : "y", curvatures[axis], m,
                        EffectiveMomentum.rate(m, lr, curvatures[axis]), measuredRate(rows, axis + 1));
            }
        }
    }

    /**
     * The geometric mean of the per-step shrink of the coordinate's amplitude (its largest |value| over a quarter of
     * the run, to span an oscillation) from the middle of the run to its end (or to where it nears float32's underflow),
     * or "–".
     */
    private static String measuredRate(List<double[]> rows, int column) {
        int n = rows.size() - 1;
        while (n > 0 && Math.abs(rows.get(n)[column]) < 1e-25) {
            n--;   // float32 parameters: measure only while the coordinate is far from underflow
        }
        int half = n / 2;
        int window = Math.max(10, n / 4);
        double early = envelope(rows, column, half, window);
        double late = envelope(rows, column, n, window);
        if (n < 40 || !(early > 0) || !(late > 0)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.4f", Math.pow(late / early, 1.0 / (n - half)));
    }

    /** The largest |coordinate| over the {@code window} steps ending at {@code end} (an oscillation's amplitude). */
    private static double envelope(List<double[]> rows, int column, int end, int window) {
        double max = 0;
        for (int s = Math.max(0, end - window + 1); s <= end; s++) {
            max = Math.max(max, Math.abs(rows.get(s)[column]));
        }
        return max;
    }

    /** The --lr entries of the form name=value, checked against --optimizer. */
    private Map<String, Double> perOptimizerRates() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String entry : learningRates) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = entry.substring(0, eq).trim();
            if (!optimizers.contains(name)) {
                throw new UsageException("--lr " + entry + ": " + name + " is not among --optimizer " + String.join(",", optimizers));
            }
            m.put(name, number("--lr " + name, entry.substring(eq + 1).trim()));
        }
        return m;
    }

    private static double number(String what, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": '" + value + "' is not a number");
        }
    }

    /** The --set entries under {@code prefix} as a schedule's configuration: type as text, the other keys as numbers. */
    private Map<String, Object> scheduleSettings(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            String key = eq > 0 ? s.substring(0, eq).trim() : "";
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                String value = s.substring(eq + 1).trim();
                m.put(name, name.equals("type") ? value : number("--set " + key, value));
            }
        }
        if (!m.isEmpty() && !m.containsKey("type")) {
            throw new UsageException("--set " + prefix + "type=… is missing (one of " + String.join(", ", org.descent.schedule.Schedules.types()) + ")");
        }
        return m;
    }

    private Map<String, Double> parseSettings() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String entry : learningRates) {
            if (entry.indexOf('=') < 0) {
                m.put("learningRate", number("--lr", entry.trim()));
            }
        }
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--set expects key=value, got '" + s + "'");
            }
            String key = s.substring(0, eq).trim();
            if (key.startsWith("learningRateSchedule.") || key.startsWith("momentumSchedule.")) {
                continue;
            }
            String value = s.substring(eq + 1).trim();
            try {
                m.put(key, Optimizers.value(key, value));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--set " + key + ": " + e.getMessage());
            }
        }
        return m;
    }

    private void writeCsv(Map<String, List<double[]>> runs) throws IOException {
        boolean several = runs.size() > 1;
        StringBuilder sb = new StringBuilder(several ? "optimizer,step,x,y,f\n" : "step,x,y,f\n");
        runs.forEach((name, rows) -> {
            for (double[] r : rows) {
                if (several) {
                    sb.append(name).append(',');
                }
                sb.append((long) r[0]).append(',').append(r[1]).append(',').append(r[2]).append(',').append(r[3]).append('\n');
            }
        });
        if (out == null) {
            System.out.print(sb);
            return;
        }
        AtomicFiles.writeString(out, sb.toString());
        runs.forEach((name, rows) -> {
            double[] last = rows.get(rows.size() - 1);
            System.out.printf(Locale.ROOT, "%-10s after %d steps at (%.4f, %.4f), f = %.6g%n", name, (long) last[0], last[1], last[2], last[3]);
        });
        System.out.println("trajectories: " + out);
    }

    /** Completion candidates and help text: the test functions. */
    static final class FunctionNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TestFunctions.names().iterator();
        }
    }

    /** Completion candidates and help text: the optimizers. */
    static final class OptimizerNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Optimizers.names().iterator();
        }
    }
}
