package org.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.descent.bench.LayerTimes;
import org.descent.bench.SgemmRate;
import org.descent.models.Models;
import org.descent.nn.Sequential;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent bench ...}: benchmark commands that print their figures. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {ThroughputCommand.class, BenchCommand.Layers.class, EngineThroughputBenchmark.class, StepBenchmark.class, ExchangeBenchmark.class, ProjectionBenchmark.class, SyncBatchNormBenchmark.class, ExperimentCommand.class, MllibBenchmark.class, ImageDecodeBenchmark.class})
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
    static Optional<String> winogradNote(Sequential model) {
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            if (model.layers().get(i) instanceof org.descent.nn.layers.Conv2d c && c.runsWinograd(model.shapeBefore(i))) {
                layers.add(c.toString());
            }
        }
        return layers.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", layers)
                + " run Winograd's F(2×2, 3×3): 4/9 of the direct convolution's multiply-adds, which its GFLOP/s count, "
                + "so they can exceed the SGEMM rate");
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
            double sgemm = SgemmRate.gigaflops(ThroughputCommand.SQUARE, ThroughputCommand.SQUARE, ThroughputCommand.SQUARE, 0.5, 3);
            double dgemm = exact ? SgemmRate.dgemmGigaflops(ThroughputCommand.SQUARE, 0.5, 3) : Double.NaN;
            double[][] ms = LayerTimes.measure(m, batch, steps, warmup, exact, syncBatchNorm);
            System.out.printf(Locale.ROOT, "Layer times, %s, batch %d, one thread, %s sums%s: median ms per step over %d steps%n", model, batch,
                    exact ? "exact" : "float", syncBatchNorm ? ", synchronized batch norm (exchanges free)" : "", steps);
            System.out.println("Descent BLAS (active): " + Blas.get().description());
            System.out.printf(Locale.ROOT, "The limit, single-thread SGEMM on the active BLAS: %.1f GFLOP/s (%d³)%n", sgemm, ThroughputCommand.SQUARE);
            if (exact) {
                System.out.printf(Locale.ROOT, "The limit of exact weight gradients, single-thread DGEMM on the active BLAS: %.1f GFLOP/s (%d³): "
                        + "each term is one double multiply-add (and an integer add); the forward and input-gradient products stay float%n",
                        dgemm, ThroughputCommand.SQUARE);
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
