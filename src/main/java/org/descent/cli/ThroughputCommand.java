package org.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.descent.bench.SgemmRate;
import org.descent.bench.ThroughputBenchmark;
import org.descent.bench.TorchBaseline;
import org.descent.nn.Sequential;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code descent bench throughput}: single-thread training examples/s of each model, beside PyTorch and the machine's
 * SGEMM rate.
 *
 * <p>With more than one model, each model is measured in a JVM of its own ({@link ChildJvm}): measured on an Intel Xeon
 * in one JVM, the CNN after the MLP's exact step ran at 1,641 examples/s, alone at 2,732.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Single-thread training examples/s of the MLP 784-256-256-10 and the BN CNN at a fixed batch, "
                + "on the active BLAS and on pure-Java BLAS, beside PyTorch on CPU (one thread) when python3-torch is installed, "
                + "and the machine's single-thread SGEMM rate with each model's GFLOP/s and share of it; with several models, "
                + "each is measured in a JVM of its own.")
final class ThroughputCommand implements Callable<Integer> {
    /** The square SGEMM's size: large enough for any BLAS to reach its peak, about 2 GFLOP per call. */
    static final int SQUARE = 1024;
    /** How a child JVM's line with its model's figures starts. */
    private static final String ROW_PREFIX = "descent-throughput-row ";

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--steps", defaultValue = "40", description = "Timed steps per trial (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--warmup", defaultValue = "50", description = "Untimed steps first, for Descent and PyTorch: enough for C2 to "
            + "compile the Java kernels (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--trials", defaultValue = "3", description = "Timed trials; the median is reported (default ${DEFAULT-VALUE}).")
    int trials;
    @Option(names = "--models", defaultValue = "mlp,cnn", split = ",", description = "Models among mlp, cnn, lstm, gru (the recurrent ones: "
            + "T = 80 steps of 32 features, 128 units, the last state into dense(10)) (default ${DEFAULT-VALUE}).")
    List<String> models;
    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the baseline (default ${DEFAULT-VALUE}).")
    String python;
    @Option(names = "--no-torch", description = "Skip the PyTorch baseline.")
    boolean noTorch;
    @Option(names = "--exact", description = "Also measure each model's step with exact sums (engine.reduction = exact) on the "
            + "active BLAS, and print its time beside the float step's.")
    boolean exact;
    @Option(names = "--one-model-row", hidden = true, description = "Measure the one model and print its figures as one JSON line "
            + "(how the command runs each model in a JVM of its own).")
    boolean oneModelRow;

    /**
     * One model's figures: examples/s on the active BLAS (median, min, max over the trials), on pure-Java BLAS and in
     * PyTorch (null when not measured), the exact step's and the float step's ms (null without --exact), FLOP per
     * example, and the notes printed under the table.
     */
    record ModelRow(String model, double median, double min, double max, Double javaBlas, Double torch, String torchInfo,
            Double floatMs, Double exactMs, double flops, String winogradNote) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (batch <= 0 || steps <= 0 || trials <= 0 || warmup < 0) {
            throw new UsageException("--batch, --steps and --trials must be positive and --warmup ≥ 0");
        }
        for (String m : models) {
            if (!List.of("mlp", "cnn", "lstm", "gru").contains(m)) {
                throw new UsageException("--models: unknown model '" + m + "' (known: mlp, cnn, lstm, gru)");
            }
        }
        TorchBaseline torch = new TorchBaseline(python);
        Optional<String> torchMissing = noTorch ? Optional.of("--no-torch") : torch.unavailableReason();
        if (oneModelRow) {
            if (models.size() != 1) {
                throw new UsageException("--one-model-row measures one model, got " + models);
            }
            System.out.println(ROW_PREFIX + new ObjectMapper().writeValueAsString(measure(models.get(0), torch, torchMissing.isEmpty())));
            return 0;
        }
        System.out.printf(Locale.ROOT, "Single-thread training throughput, batch %d: forward + backward + Adam step (examples/s, median of %d × %d steps)%n",
                batch, trials, steps);
        System.out.println("Descent BLAS (active): " + Blas.get().description());
        double square = SgemmRate.gigaflops(SQUARE, SQUARE, SQUARE, 0.5, 3);
        double shaped = SgemmRate.gigaflops(batch, 256, 784, 0.5, 3);
        System.out.printf(Locale.ROOT, "The limit, single-thread SGEMM on the active BLAS: %.1f GFLOP/s square (%d³), %.1f GFLOP/s training-shaped "
                + "(%d×784 by 784×256, the MLP's first product)%n", square, SQUARE, shaped, batch);
        if (models.size() > 1) {
            System.out.println(ChildJvm.EACH_MODEL_NOTE);
        }
        List<ModelRow> rows = new ArrayList<>();
        for (String m : models) {
            rows.add(models.size() == 1 ? measure(m, torch, torchMissing.isEmpty()) : measureInItsOwnJvm(m, torchMissing.isEmpty()));
        }
        print(rows, square, torchMissing);
        return 0;
    }

    /** The model's figures, measured in this JVM. */
    private ModelRow measure(String m, TorchBaseline torch, boolean withTorch) throws IOException, InterruptedException {
        Sequential model = BenchCommand.benchModel(m);
        Blas.use("auto");
        ThroughputBenchmark.Throughput active = ThroughputBenchmark.measure(model, batch, steps, warmup, trials);
        Double floatMs = null;
        Double exactMs = null;
        if (exact) {
            ThroughputBenchmark.Throughput sums = ThroughputBenchmark.measure(model, batch, steps, warmup, trials, true);
            floatMs = 1e3 * batch / active.median();
            exactMs = 1e3 * batch / sums.median();
        }
        Double javaBlas = null;
        if (Blas.get().isNative()) {
            Blas.use("java");
            javaBlas = ThroughputBenchmark.measure(model, batch, steps, warmup, trials).median();
            Blas.use("auto");
        }
        Double torchRate = null;
        String torchInfo = null;
        if (withTorch) {
            TorchBaseline.Measurement t = torch.measure(m, batch, steps * trials, warmup);
            torchRate = t.examplesPerSecond();
            torchInfo = "PyTorch " + t.torchVersion() + " (1 thread): libblas.so.3 → " + t.blas() + (t.mkldnn() ? "; convolutions through oneDNN" : "");
        }
        return new ModelRow(m, active.median(), active.min(), active.max(), javaBlas, torchRate, torchInfo, floatMs, exactMs,
                model.trainingFlopsPerExample(), BenchCommand.winogradNote(model).orElse(null));
    }

    /**
     * The model's figures from a JVM of its own ({@link ChildJvm}) given this command's options; without PyTorch when
     * this JVM found it missing, so that the child does not look for it again.
     */
    private ModelRow measureInItsOwnJvm(String m, boolean withTorch) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("bench", "throughput", "--one-model-row", "--models", m, "--batch", Integer.toString(batch),
                "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup), "--trials", Integer.toString(trials), "--python", python));
        if (!withTorch) {
            args.add("--no-torch");
        }
        if (exact) {
            args.add("--exact");
        }
        List<String> out = new ArrayList<>();
        int code = ChildJvm.run(args, out::add);
        String row = out.stream().filter(l -> l.startsWith(ROW_PREFIX)).findFirst().orElse(null);
        if (code != 0 || row == null) {
            throw new IllegalStateException("the JVM measuring " + m + " exited with code " + code + " without its figures: " + String.join("\n", out));
        }
        return new ObjectMapper().readValue(row.substring(ROW_PREFIX.length()), ModelRow.class);
    }

    private void print(List<ModelRow> rows, double square, Optional<String> torchMissing) {
        rows.stream().filter(r -> r.winogradNote() != null).forEach(r -> System.out.println(r.model() + ": " + r.winogradNote()));
        boolean anyJavaBlas = rows.stream().anyMatch(r -> r.javaBlas() != null);
        if (anyJavaBlas) {
            Blas.use("java");
            System.out.println("Descent BLAS (pure Java column): " + Blas.get().description());
            Blas.use("auto");
        }
        String torchInfo = rows.stream().map(ModelRow::torchInfo).filter(i -> i != null).findFirst().orElse(null);
        System.out.println(torchInfo != null ? torchInfo : "PyTorch: skipped (" + torchMissing.orElse("") + ")");
        System.out.println("FLOP: the step's matrix products per example, from the layers' shapes (forward, parameter and input "
                + "gradients; element-wise work not counted); GFLOP/s = FLOP × examples/s; % of the square SGEMM rate");
        String format = "%-6s %-28s %-18s %-12s %-16s %-10s %-16s %-10s %s%n";
        System.out.printf(Locale.ROOT, format, "model", "descent (active BLAS)", "descent (Java BLAS)", "pytorch", "descent/pytorch",
                "MFLOP/ex", "descent GFLOP/s", "of SGEMM", "pytorch GFLOP/s");
        for (ModelRow r : rows) {
            boolean torch = r.torch() != null;
            System.out.printf(Locale.ROOT, format, r.model(), fmt(r.median()) + " (" + fmt(r.min()) + "–" + fmt(r.max()) + ")",
                    r.javaBlas() == null ? "(active)" : fmt(r.javaBlas()), torch ? fmt(r.torch()) : "skipped",
                    torch ? String.format(Locale.ROOT, "%.2f×", r.median() / r.torch()) : "-",
                    String.format(Locale.ROOT, "%.2f", r.flops() / 1e6),
                    String.format(Locale.ROOT, "%.1f", r.flops() * r.median() / 1e9),
                    String.format(Locale.ROOT, "%.0f%%", 100 * r.flops() * r.median() / 1e9 / square),
                    torch ? String.format(Locale.ROOT, "%.1f", r.flops() * r.torch() / 1e9) : "-");
        }
        if (exact) {
            System.out.println("Exact sums (engine.reduction = exact) on the active BLAS: ms per step of " + batch + ", median");
            System.out.printf(Locale.ROOT, "%-6s %-14s %-14s %s%n", "model", "float ms", "exact ms", "exact/float");
            for (ModelRow r : rows) {
                System.out.printf(Locale.ROOT, "%-6s %-14.2f %-14.2f %.2f×%n", r.model(), r.floatMs(), r.exactMs(), r.exactMs() / r.floatMs());
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
