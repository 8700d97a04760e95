package org.descent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch CPU baseline script shipped in the jar ({@code torch_throughput.py}) with a
 * Python that has torch, one thread (or as many as asked), and reads its one-line JSON result. PyTorch is never a
 * dependency: without it the baseline is reported as skipped.
 */
public final class TorchBaseline {
    private final String python;
    private Path script;

    public TorchBaseline(String python) {
        this.python = python;
    }

    /** Why the baseline cannot run, or empty when it can. */
    public Optional<String> unavailableReason() {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.of(python + " cannot import torch (install Debian's python3-torch and libopenblas0-pthread)");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(python + " not found");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Result of one PyTorch measurement. */
    public record Measurement(double examplesPerSecond, String torchVersion, String blas, boolean mkldnn) {
    }

    public Measurement measure(String model, int batch, int steps, int warmup) throws IOException, InterruptedException {
        return measure(model, batch, steps, warmup, 1);
    }

    /** As above with {@code threads} intra-op threads (PyTorch's {@code set_num_threads}, OpenMP and OpenBLAS alike). */
    public Measurement measure(String model, int batch, int steps, int warmup, int threads) throws IOException, InterruptedException {
        String n = Integer.toString(threads);
        List<String> cmd = new ArrayList<>(List.of(python, script().toString(), "--model", model, "--batch", Integer.toString(batch),
                "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup), "--threads", n));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", n);
        pb.environment().put("OPENBLAS_NUM_THREADS", n);
        pb.environment().put("MKL_NUM_THREADS", n);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("PyTorch baseline failed: " + err.strip());
        }
        String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
        JsonNode j = new ObjectMapper().readTree(last);
        return new Measurement(j.path("examples_per_s").asDouble(), j.path("torch").asText(), j.path("blas").asText(), j.path("mkldnn").asBoolean());
    }

    private Path script() throws IOException {
        if (script == null) {
            script = Files.createTempFile("descent-torch-", ".py");
            script.toFile().deleteOnExit();
            try (InputStream in = TorchBaseline.class.getResourceAsStream("torch_throughput.py")) {
                if (in == null) {
                    throw new IOException("torch_throughput.py is missing from the jar");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return script;
    }
}
