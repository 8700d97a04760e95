package org.descent.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.descent.bench.LayerTimes;
import org.descent.bench.SgemmRate;
import org.descent.bench.ThroughputBenchmark;
import org.descent.bench.TorchBaseline;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent bench ...}: benchmark commands that print their figures. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Layers.class, EngineThroughputBenchmark.class, StepBenchmark.class, ExchangeBenchmark.class, ProjectionBenchmark.class, SyncBatchNormBenchmark.class, ExperimentCommand.class, MllibBenchmark.class, ImageDecodeBenchmark.class})
final class BenchCommand {

    /** The names {@link #benchModel} knows. */
    static final List<String> MODELS = List.of("mlp", "quickstart", "cnn", "fashion-cnn", "lstm", "gru");

    /**
     * The benchmarks' models by name ({@link #MODELS}): the MLP 784-256-256-10, the quickstart's MLP with batch norm, the
     * BN CNN, {@code conf/fashion-cnn.conf}'s network, and an LSTM or GRU of 128 units over 80 steps of 32 features
     * (callers check the name).
     */
    static Sequential benchModel(String name) {
        return switch (name) {
            case "mlp" -> Models.mlp(784, 256, 256, 10);
            case "quickstart" -> new Sequential(org.descent.tensor.Shape.of(784), org.descent.models.LayerSpecs.parseAll(
                    List.of("dense(256)", "batch_norm", "relu", "dense(256)", "batch_norm", "relu", "dense(10)")));
            case "cnn" -> Models.fashionCnn(true);
            case "fashion-cnn" -> Models.fashionCnn(true, 64, 128);
            default -> new Sequential(org.descent.tensor.Shape.of(80, 32),
                    org.descent.models.LayerSpecs.parseAll(List.of(name + "(128, last)", "dense(10)")));
        };
    }

    /**
     * A line naming the model's convolutions that run Winograd's F(2×2, 3×3) in float mode, whose GFLOP/s (counted as the
     * direct convolution's) can exceed the SGEMM rate; empty when none does.
     */
    static java.util.Optional<String> winogradNote(Sequential model) {
        List<String> layers = new java.util.ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            if (model.layers().get(i) instanceof org.descent.nn.layers.Conv2d c && c.runsWinograd(model.shapeBefore(i))) {
                layers.add(c.toString());
            }
        }
        return layers.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(", ", layers)
                + " run Winograd's F(2×2, 3×3): 4/9 of the direct convolution's multiply-adds, which its GFLOP/s count, "
                + "so they can exceed the SGEMM rate");
    }

    /** Single-thread training throughput of the MLP and the CNN, beside PyTorch on CPU. */
    @Command(name = "throughput", mixinStandardHelpOptions = true,
            description = "Single-thread training examples/s of the MLP 784-256-256-10 and the BN CNN at a fixed batch, "
                    + "on the active BLAS and on pure-Java BLAS, beside PyTorch on CPU (one thread) when python3-torch is installed, "
                    + "and the machine's single-thread SGEMM rate with each model's GFLOP/s and share of it.")
    static final class Throughput implements Callable<Integer> {
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
            String nativeDesc = Blas.get().description();
            boolean nativeActive = Blas.get().isNative();
            TorchBaseline torch = new TorchBaseline(python);
            Optional<String> torchMissing = noTorch ? Optional.of("--no-torch") : torch.unavailableReason();
            System.out.printf(Locale.ROOT, "Single-thread training throughput, batch %d: forward + backward + Adam step (examples/s, median of %d × %d steps)%n",
                    batch, trials, steps);
            System.out.println("Descent BLAS (active): " + nativeDesc);
            double square = SgemmRate.gigaflops(SQUARE, SQUARE, SQUARE, 0.5, 3);
            double shaped = SgemmRate.gigaflops(batch, 256, 784, 0.5, 3);
            System.out.printf(Locale.ROOT, "The limit, single-thread SGEMM on the active BLAS: %.1f GFLOP/s square (%d³), %.1f GFLOP/s training-shaped "
                    + "(%d×784 by 784×256, the MLP's first product)%n", square, SQUARE, shaped, batch);
            List<String[]> rows = new ArrayList<>();
            List<String> exactRows = new ArrayList<>();
            List<String> winogradNotes = new ArrayList<>();
            String torchInfo = null;
            for (String m : models) {
                Sequential model = benchModel(m);
                winogradNote(model).ifPresent(note -> winogradNotes.add(m + ": " + note));
                Blas.use("auto");
                ThroughputBenchmark.Throughput active = ThroughputBenchmark.measure(model, batch, steps, warmup, trials);
                if (exact) {
                    ThroughputBenchmark.Throughput sums = ThroughputBenchmark.measure(model, batch, steps, warmup, trials, true);
                    exactRows.add(String.format(Locale.ROOT, "%-6s %-14.2f %-14.2f %.2f×", m, 1e3 * batch / active.median(),
                            1e3 * batch / sums.median(), active.median() / sums.median()));
                }
                ThroughputBenchmark.Throughput javaBlas = null;
                if (nativeActive) {
                    Blas.use("java");
                    javaBlas = ThroughputBenchmark.measure(model, batch, steps, warmup, trials);
                    Blas.use("auto");
                }
                double flops = model.trainingFlopsPerExample();
                String torchCell = "skipped";
                String ratio = "-";
                String torchRate = "-";
                if (torchMissing.isEmpty()) {
                    TorchBaseline.Measurement t = torch.measure(m, batch, steps * trials, warmup);
                    torchCell = fmt(t.examplesPerSecond());
                    ratio = String.format(Locale.ROOT, "%.2f×", active.median() / t.examplesPerSecond());
                    torchRate = String.format(Locale.ROOT, "%.1f", flops * t.examplesPerSecond() / 1e9);
                    torchInfo = "PyTorch " + t.torchVersion() + " (1 thread): libblas.so.3 → " + t.blas() + (t.mkldnn() ? "; convolutions through oneDNN" : "");
                }
                rows.add(new String[] {m, fmt(active.median()) + " (" + fmt(active.min()) + "–" + fmt(active.max()) + ")",
                        javaBlas == null ? "(active)" : fmt(javaBlas.median()), torchCell, ratio,
                        String.format(Locale.ROOT, "%.2f", flops / 1e6),
                        String.format(Locale.ROOT, "%.1f", flops * active.median() / 1e9),
                        String.format(Locale.ROOT, "%.0f%%", 100 * flops * active.median() / 1e9 / square), torchRate});
            }
            winogradNotes.forEach(System.out::println);
            if (nativeActive) {
                Blas.use("java");
                System.out.println("Descent BLAS (pure Java column): " + Blas.get().description());
                Blas.use("auto");
            }
            System.out.println(torchInfo != null ? torchInfo : "PyTorch: skipped (" + torchMissing.orElse("") + ")");
            System.out.println("FLOP: the step's matrix products per example, from the layers' shapes (forward, parameter and input "
                    + "gradients; element-wise work not counted); GFLOP/s = FLOP × examples/s; % of the square SGEMM rate");
            String format = "%-6s %-28s %-18s %-12s %-16s %-10s %-16s %-10s %s%n";
            System.out.printf(Locale.ROOT, format, "model", "descent (active BLAS)", "descent (Java BLAS)", "pytorch", "descent/pytorch",
                    "MFLOP/ex", "descent GFLOP/s", "of SGEMM", "pytorch GFLOP/s");
            for (String[] r : rows) {
                System.out.printf(Locale.ROOT, format, (Object[]) r);
            }
            if (exact) {
                System.out.println("Exact sums (engine.reduction = exact) on the active BLAS: ms per step of " + batch + ", median");
                System.out.printf(Locale.ROOT, "%-6s %-14s %-14s %s%n", "model", "float ms", "exact ms", "exact/float");
                exactRows.forEach(System.out::println);
            }
            return 0;
        }

        /** The square SGEMM's size: large enough for any BLAS to reach its peak, about 2 GFLOP per call. */
        static final int SQUARE = 1024;

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
    }

    /** Where a model's single-thread training step goes, layer by layer, beside the machine's SGEMM rate. */
    @Command(name = "layers", mixinStandardHelpOptions = true,
            description = "Single-thread milliseconds of each layer's forward and backward in a training step of the MLP, the BN CNN, "
                    + "the quickstart MLP with batch norm or an LSTM/GRU, with each layer's GFLOP/s of matrix products and its share of "
                    + "the machine's single-thread SGEMM rate, measured in the same run.")
    static final class Layers implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "cnn", description = "mlp, quickstart (784-256-BN-256-BN-10), cnn, fashion-cnn (conf/fashion-cnn.conf's layers), lstm or gru (default ${DEFAULT-VALUE}).")
        String model;
        @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--steps", defaultValue = "40", description = "Timed steps; the median is reported (default ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--warmup", defaultValue = "20", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--exact", description = "Run the step with exact sums (engine.reduction = exact).")
        boolean exact;
        @Option(names = "--direct", description = "Run every convolution as direct products, without Winograd's F(2×2, 3×3) "
                + "(the JVM-wide -Ddescent.conv.winograd=false).")
        boolean direct;
        @Option(names = "--sync-bn", description = "Run batch norm's synchronized path (batchNorm.mode = sync, as over two workers), "
                + "with exchanges that cost nothing: its kernels' time without the waits.")
        boolean syncBatchNorm;

        @Override
        public Integer call() {
            if (batch <= 0 || steps <= 0 || warmup < 0) {
                throw new UsageException("--batch and --steps must be positive and --warmup ≥ 0");
            }
            if (!MODELS.contains(model)) {
                throw new UsageException("--model: unknown model '" + model + "' (known: " + String.join(", ", MODELS) + ")");
            }
            String property = org.descent.nn.layers.Conv2d.WINOGRAD_PROPERTY;
            String winograd = System.getProperty(property);
            if (direct) {
                System.setProperty(property, "false");
            }
            try {
                return report();
            } finally {
                if (winograd == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, winograd);
                }
            }
        }

        private int report() {
            Sequential m = benchModel(model);
            double sgemm = SgemmRate.gigaflops(Throughput.SQUARE, Throughput.SQUARE, Throughput.SQUARE, 0.5, 3);
            double dgemm = exact ? SgemmRate.dgemmGigaflops(Throughput.SQUARE, 0.5, 3) : Double.NaN;
            double[][] ms = LayerTimes.measure(m, batch, steps, warmup, exact, syncBatchNorm);
            System.out.printf(Locale.ROOT, "Layer times, %s, batch %d, one thread, %s sums%s: median ms per step over %d steps%n", model, batch,
                    exact ? "exact" : "float", syncBatchNorm ? ", synchronized batch norm (exchanges free)" : "", steps);
            System.out.println("Descent BLAS (active): " + Blas.get().description());
            System.out.printf(Locale.ROOT, "The limit, single-thread SGEMM on the active BLAS: %.1f GFLOP/s (%d³)%n", sgemm, Throughput.SQUARE);
            if (exact) {
                System.out.printf(Locale.ROOT, "The limit of exact weight gradients, single-thread DGEMM on the active BLAS: %.1f GFLOP/s (%d³): "
                        + "each term is one double multiply-add (and an integer add); the forward and input-gradient products stay float%n",
                        dgemm, Throughput.SQUARE);
                System.out.println("floor ms: the layer's forward and input-gradient products at the SGEMM rate, its weight gradient at the DGEMM rate");
            }
            String head = String.format(Locale.ROOT, "%-40s %-10s %-10s %-16s %-9s", "layer", "fwd ms", "bwd ms", "products GFLOP/s", "of SGEMM");
            System.out.println(exact ? head + String.format(Locale.ROOT, " %-9s %s", "floor ms", "of floor") : head.strip());
            double total = 0;
            double floorTotal = 0;
            int first = m.firstTrainedLayer();
            for (int i = 0; i < ms.length; i++) {
                org.descent.nn.MultiplyAdds madds = m.layers().get(i).multiplyAdds(m.shapeBefore(i));
                long floatMacs = madds.forward() + (i > first ? madds.inputGradient() : 0);
                long weightMacs = i >= first ? madds.backward() : 0;
                long macs = floatMacs + weightMacs;
                double seconds = (ms[i][0] + ms[i][1]) / 1e3;
                String rate = macs == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 2.0 * macs * batch / seconds / 1e9);
                String share = macs == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * 2.0 * macs * batch / seconds / 1e9 / sgemm);
                String line = String.format(Locale.ROOT, "%-40s %-10.3f %-10.3f %-16s %-9s", m.layers().get(i), ms[i][0], ms[i][1], rate, share);
                if (exact) {
                    double floorMs = 2.0 * batch * (floatMacs / sgemm + weightMacs / dgemm) / 1e6;
                    floorTotal += floorMs;
                    line += macs == 0 ? String.format(Locale.ROOT, " %-9s %s", "-", "-")
                            : String.format(Locale.ROOT, " %-9.3f %.0f%%", floorMs, 100 * floorMs / (seconds * 1e3));
                }
                System.out.println(line.strip());
                total += ms[i][0] + ms[i][1];
            }
            System.out.printf(Locale.ROOT, "total %.2f ms per step: %.0f examples/s (layers only: no loss, no optimizer)%n", total, batch / (total / 1e3));
            int updates = Math.max(steps, 200);   // the update is short: at least 200 for a steady median
            double[] update = org.descent.bench.UpdaterTimes.measure("adam", m.layout(), updates, Math.max(warmup, 200), false);
            System.out.printf(Locale.ROOT, "optimizer adam (bench throughput's) over %,d parameters: the mean gradient and its norm %.3f ms, "
                    + "the update %.3f ms per step (median of %d)%n", m.layout().size(), update[0], update[1], updates);
            if (org.descent.engine.ParameterUpdater.twoThreadsByDefault(m.layout())) {
                double[] driver = org.descent.bench.UpdaterTimes.measure("adam", m.layout(), updates, Math.max(warmup, 200), true);
                System.out.printf(Locale.ROOT, "the same on two threads, as the driver takes it: the mean gradient and its norm %.3f ms, "
                        + "the update %.3f ms per step%n", driver[0], driver[1]);
            }
            if (exact) {
                System.out.printf(Locale.ROOT, "floor of the products %.2f ms per step, %.0f%% of the total%n", floorTotal, 100 * floorTotal / total);
            } else {
                winogradNote(m).ifPresent(System.out::println);
            }
            return 0;
        }
    }
}
