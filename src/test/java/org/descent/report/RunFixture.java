package org.descent.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A run directory as {@code descent train} writes it, built in code: {@code metrics.jsonl} with
 * realistic step, evaluation and epoch lines, {@code summary.json} and {@code config.conf}.
 */
public final class RunFixture {
    public static final double TEST_ACCURACY = 0.8731;
    public static final String PLANTED = "<script>alert('x')</script>";

    private int epochs = 3;
    private int stepsPerEpoch = 20;
    private boolean validation = true;
    private boolean momentum = true;
    private int evaluateEvery = 10;

    public RunFixture epochs(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        return this;
    }

    /** Without validation: epoch and evaluation lines carry test metrics only, as with data.validationSize = 0. */
    public RunFixture withoutValidation() {
        this.validation = false;
        return this;
    }

    /** As for an optimizer without momentum: the field is written as Jackson writes NaN (the string "NaN"). */
    public RunFixture withoutMomentum() {
        this.momentum = false;
        return this;
    }

    public RunFixture evaluateEvery(int steps) {
        this.evaluateEvery = steps;
        return this;
    }

    /** The metrics lines, in file order. */
    public List<String> metricsLines() {
        ObjectMapper json = new ObjectMapper();
        Random rnd = new Random(7);
        List<String> lines = new ArrayList<>();
        String evaluated = validation ? "validation" : "test";
        long step = 0;
        int total = epochs * stepsPerEpoch;
        for (int e = 0; e < epochs; e++) {
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++, step++) {
                double progress = (double) step / total;
                double loss = 2.3 * Math.exp(-3 * progress) + 0.3 + 0.08 * rnd.nextGaussian();
                lossSum += loss;
                double compute = 30 + 5 * rnd.nextDouble();
                double broadcast = 4 + rnd.nextDouble();
                double aggregate = 2 + rnd.nextDouble();
                double overhead = 40 + 10 * rnd.nextDouble();
                double bnSync = 1.5;
                double ms = compute + bnSync + broadcast + aggregate + overhead;
                ObjectNode n = json.createObjectNode().put("type", "step").put("epoch", e).put("step", step).put("loss", loss)
                        .put("examples", 128).put("ms", ms).put("computeMs", compute).put("bnSyncMs", bnSync).put("broadcastMs", broadcast)
                        .put("aggregateMs", aggregate).put("overheadMs", overhead)
                        .put("learningRate", 0.001 * 0.5 * (1 + Math.cos(Math.PI * progress)))
                        .put("gradNorm", 1.5 * Math.exp(-progress) + 0.1 * rnd.nextDouble()).put("examplesPerSecond", 128 / ms * 1000);
                n.put("momentum", momentum ? 0.85 + 0.1 * progress : Double.NaN);
                lines.add(n.toString());
                if (evaluateEvery > 0 && (step + 1) % evaluateEvery == 0 && s + 1 < stepsPerEpoch) {
                    lines.add(json.createObjectNode().put("type", "evaluation").put("epoch", e).put("step", step + 1)
                            .put(evaluated + "Loss", loss + 0.05).put(evaluated + "Accuracy", 0.6 + 0.25 * progress).toString());
                }
            }
            ObjectNode n = json.createObjectNode().put("type", "epoch").put("epoch", e).put("steps", step)
                    .put("trainLoss", lossSum / stepsPerEpoch).put(evaluated + "Loss", epochLoss(e)).put(evaluated + "Accuracy", epochAccuracy(e));
            if (validation) {
                n.put("testLoss", epochLoss(e) + 0.01).put("testAccuracy", epochAccuracy(e) - 0.002);
            }
            lines.add(n.put("seconds", 1.25 + e).toString());
        }
        return lines;
    }

    /** The evaluated loss of an epoch (validation, or test without validation). */
    public static double epochLoss(int epoch) {
        return 0.62 - 0.07 * epoch;
    }

    public static double epochAccuracy(int epoch) {
        return 0.78 + 0.04 * epoch;
    }

    public static String summaryJson() {
        return """
                {
                  "testAccuracy" : 0.8731,
                  "testLoss" : 0.4215,
                  "epochs" : 3,
                  "bestEpoch" : 2,
                  "stoppedEarly" : false,
                  "steps" : 60,
                  "wallSeconds" : 75.5,
                  "examplesPerSecond" : 1523.4,
                  "sparkMaster" : "local[2]",
                  "partitions" : 2,
                  "engineMode" : "job",
                  "batchNormMode" : "local",
                  "blas" : "OpenBLAS (fixture)",
                  "paramsSha256" : "00ff00ff",
                  "storageLevel" : "MEMORY_ONLY",
                  "cachedBytes" : 12500000,
                  "rawBytes" : 12000000,
                  "cachedToRaw" : 1.0417,
                  "sparkVersion" : "4.1.0-fixture",
                  "optimizerName" : "adam & co"
                }
                """;
    }

    public static String configText() {
        return """
                # resolved
                data {
                    dir = "data/fashion-mnist"
                    normalize = standardize
                }
                model.name = "%s"
                optimizer {
                    learningRate = 0.001
                    name = adam
                }
                """.formatted(PLANTED.replace("\"", "\\\""));
    }

    /** Writes metrics.jsonl, summary.json and config.conf into dir (created if needed) and returns dir. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("metrics.jsonl"), metricsLines());
        Files.writeString(dir.resolve("summary.json"), summaryJson());
        Files.writeString(dir.resolve("config.conf"), configText());
        return dir;
    }
}
