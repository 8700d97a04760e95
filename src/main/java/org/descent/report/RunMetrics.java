package org.descent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.descent.data.DataFormatException;

/**
 * The lines of a run's {@code metrics.jsonl}, by type. Optional fields that are absent, null or
 * {@code "NaN"} read as NaN; lines of an unknown type are skipped, so newer files still read. A line
 * repeated for the same step or epoch (a resumed run) replaces the earlier one. Epochs are numbered
 * from 0, as in the file; {@code steps} of an epoch and {@code step} of an evaluation count the steps
 * done, while {@code step} of a step line is the index of that step (from 0).
 *
 * @param steps one per training step, in step order
 * @param epochs one per finished epoch, in epoch order
 * @param evaluations the evaluations every k steps, in step order
 */
public record RunMetrics(List<Step> steps, List<Epoch> epochs, List<Evaluation> evaluations, List<Probe> probes) {
    public RunMetrics(List<Step> steps, List<Epoch> epochs, List<Evaluation> evaluations) {
        this(steps, epochs, evaluations, List.of());
    }

    /**
     * One line of {@code metrics.jsonl}: the schema is the record's components, whose names are the
     * JSON fields — written by {@link #json} and read back by {@link #read}, so a field is added in one
     * place. A NaN field is left out of the line and reads back as NaN.
     */
    public sealed interface Line permits Step, Epoch, Evaluation, Probe {
        /** The line's {@code "type"}. */
        String type();
    }

    /** A {@code "type":"step"} line; every field but {@code step} and {@code loss} may be NaN. */
    public record Step(long step, double epoch, double loss, double examples, double ms, double computeMs, double broadcastMs,
                       double aggregateMs, double overheadMs, double learningRate, double momentum, double gradNorm,
                       double examplesPerSecond, double bnSyncMs) implements Line {
        @Override
        public String type() {
            return "step";
        }

        /** The step count after this step: the x coordinate shared with epochs and evaluations. */
        public long done() {
            return step + 1;
        }
    }

    /** A {@code "type":"epoch"} line; every field but {@code epoch} may be NaN. */
    public record Epoch(int epoch, double steps, double trainLoss, double trainAccuracy, double validationLoss, double validationAccuracy,
                        double testLoss, double testAccuracy, double seconds) implements Line {
        @Override
        public String type() {
            return "epoch";
        }
    }

    /** A {@code "type":"evaluation"} line (every k steps); {@code step} counts the steps done. */
    public record Evaluation(long step, double epoch, double validationLoss, double validationAccuracy, double testLoss, double testAccuracy)
            implements Line {
        @Override
        public String type() {
            return "evaluation";
        }
    }

    /**
     * A {@code "type":"probe"} line: the 15th, 50th and 85th percentiles of one unit's input to layer {@code layer} over
     * {@code examples} test examples after {@code step} steps (the BN paper's Figure 1).
     */
    public record Probe(long step, int layer, int unit, double p15, double p50, double p85, double examples) implements Line {
        @Override
        public String type() {
            return "probe";
        }
    }

    /** The fields a line of each type must have. */
    private static final java.util.Map<Class<?>, java.util.Set<String>> REQUIRED = java.util.Map.of(Step.class, java.util.Set.of("step", "loss"),
            Epoch.class, java.util.Set.of("epoch"), Evaluation.class, java.util.Set.of("step"),
            Probe.class, java.util.Set.of("step", "layer", "unit", "p15", "p50", "p85"));

    /**
     * {@code line} as a JSON object: {@code "type"}, then its components in order, NaN ones left out;
     * whole numbers are written as integers.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(Line line, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        com.fasterxml.jackson.databind.node.ObjectNode o = mapper.createObjectNode().put("type", line.type());
        for (java.lang.reflect.RecordComponent c : line.getClass().getRecordComponents()) {
            Object v = value(c, line);
            if (v instanceof Double d) {
                if (Double.isNaN(d) && !REQUIRED.get(line.getClass()).contains(c.getName())) {
                    continue;
                }
                if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                    o.put(c.getName(), (long) (double) d);
                } else {
                    o.put(c.getName(), d);
                }
            } else {
                o.put(c.getName(), ((Number) v).longValue());
            }
        }
        return o;
    }

    private static Object value(java.lang.reflect.RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("metrics line component " + c.getName(), e);
        }
    }

    /** A line of {@code type} from a JSON object: its components by name, the required ones checked. */
    private static <R extends Line> R line(JsonNode n, Class<R> type) throws Json.NotANumber {
        java.lang.reflect.RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        java.util.Set<String> required = REQUIRED.get(type);
        for (int i = 0; i < cs.length; i++) {
            String name = cs[i].getName();
            types[i] = cs[i].getType();
            if (types[i] == long.class) {
                args[i] = required(n, name);
            } else if (types[i] == int.class) {
                long v = required(n, name);
                if (v > Integer.MAX_VALUE) {
                    throw new Json.NotANumber("'" + name + "' is out of range: " + v);
                }
                args[i] = (int) v;
            } else {
                args[i] = required.contains(name) ? requiredNumber(n, name) : Json.number(n, name);
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("metrics line " + type.getSimpleName(), e);
        }
    }

    public RunMetrics {
        steps = List.copyOf(steps);
        epochs = List.copyOf(epochs);
        evaluations = List.copyOf(evaluations);
    }

    /**
     * Reads a metrics file.
     *
     * @throws DataFormatException naming the file and line of the first line that is not a JSON
     *     object with a known shape, or the file when it is missing
     */
    public static RunMetrics read(Path file) throws IOException {
        TreeMap<Long, Step> steps = new TreeMap<>();
        TreeMap<Integer, Epoch> epochs = new TreeMap<>();
        TreeMap<Long, Evaluation> evaluations = new TreeMap<>();
        TreeMap<Long, Probe> probes = new TreeMap<>();
        long lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.parse(line, file, lineNo - 1);
                String where = file + ":" + lineNo + ": ";
                if (!node.isObject()) {
                    throw new DataFormatException(where + "expected a JSON object, got " + Json.abbreviate(line.strip()));
                }
                JsonNode type = node.get("type");
                if (type == null || !type.isTextual()) {
                    throw new DataFormatException(where + "no \"type\" (step, epoch or evaluation)");
                }
                try {
                    switch (type.textValue()) {
                        case "step" -> {
                            Step s = line(node, Step.class);
                            steps.put(s.step(), s);
                        }
                        case "epoch" -> {
                            Epoch e = line(node, Epoch.class);
                            epochs.put(e.epoch(), e);
                        }
                        case "evaluation" -> {
                            Evaluation e = line(node, Evaluation.class);
                            evaluations.put(e.step(), e);
                        }
                        case "probe" -> {
                            Probe p = line(node, Probe.class);
                            probes.put(p.step(), p);
                        }
                        default -> {
                            // a line type this version does not plot
                        }
                    }
                } catch (Json.NotANumber e) {
                    throw new DataFormatException(where + type.textValue() + " line: " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new DataFormatException(file + ":" + (lineNo + 1) + ": not UTF-8 text");
        }
        return new RunMetrics(new ArrayList<>(steps.values()), new ArrayList<>(epochs.values()), new ArrayList<>(evaluations.values()),
                new ArrayList<>(probes.values()));
    }

    /** Whether some step line has a finite value of the field. */
    public boolean anyStep(java.util.function.ToDoubleFunction<Step> field) {
        return steps.stream().anyMatch(s -> Double.isFinite(field.applyAsDouble(s)));
    }

    /** Whether some epoch line has a finite value of the field. */
    public boolean anyEpoch(java.util.function.ToDoubleFunction<Epoch> field) {
        return epochs.stream().anyMatch(e -> Double.isFinite(field.applyAsDouble(e)));
    }

    /** Whether some evaluation line has a finite value of the field. */
    public boolean anyEvaluation(java.util.function.ToDoubleFunction<Evaluation> field) {
        return evaluations.stream().anyMatch(e -> Double.isFinite(field.applyAsDouble(e)));
    }

    /** A field that must be present as a non-negative integer. */
    private static long required(JsonNode n, String field) throws Json.NotANumber {
        double v = requiredNumber(n, field);
        if (v < 0 || v != Math.rint(v) || v > Long.MAX_VALUE) {
            throw new Json.NotANumber("'" + field + "' is not a non-negative integer: " + n.get(field));
        }
        return (long) v;
    }

    /** A field that must be present (NaN is allowed: a diverged loss). */
    private static double requiredNumber(JsonNode n, String field) throws Json.NotANumber {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new Json.NotANumber("no '" + field + "'");
        }
        return Json.number(n, field);
    }
}
