package org.descent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a report's summary table from {@code summary.json}: the known fields first, labelled
 * and formatted, then any other field under its own name, so fields added later still show.
 * Absent fields are left out.
 */
final class SummaryRows {
    /** One row; {@code code} asks for a monospace value (hashes). */
    record Row(String label, String value, boolean code) {
    }

    private enum Format { ACCURACY, LOSS, COUNT, YES_NO, SECONDS, RATE, TEXT, BYTES, RATIO, CODE, BEST_EPOCH }

    private record Field(String key, String label, Format format) {
    }

    private static final List<Field> KNOWN = List.of(
            new Field("testAccuracy", "Test accuracy", Format.ACCURACY),
            new Field("testLoss", "Test loss", Format.LOSS),
            new Field("epochs", "Epochs", Format.COUNT),
            new Field("bestEpoch", "Best epoch", Format.BEST_EPOCH),
            new Field("stoppedEarly", "Stopped early", Format.YES_NO),
            new Field("steps", "Steps", Format.COUNT),
            new Field("wallSeconds", "Wall time", Format.SECONDS),
            new Field("examplesPerSecond", "Examples per second", Format.RATE),
            new Field("sparkMaster", "Spark master", Format.TEXT),
            new Field("partitions", "Partitions", Format.COUNT),
            new Field("engineMode", "Engine mode", Format.TEXT),
            new Field("engineModeReason", "Engine mode chosen by", Format.TEXT),
            new Field("exchange", "Barrier exchange", Format.TEXT),
            new Field("overlap", "Exchange overlapped with compute", Format.TEXT),
            new Field("batchNormMode", "Batch-norm mode", Format.TEXT),
            new Field("reduction", "Reduction", Format.TEXT),
            new Field("blas", "BLAS", Format.TEXT),
            new Field("storageLevel", "Storage level", Format.TEXT),
            new Field("cachedBytes", "Cached bytes", Format.BYTES),
            new Field("cachedDiskBytes", "Of which on disk", Format.BYTES),
            new Field("partitionsNotCached", "Partitions not cached (recomputed)", Format.COUNT),
            new Field("rawBytes", "Raw float32 bytes", Format.BYTES),
            new Field("cachedToRaw", "Cached / raw", Format.RATIO),
            new Field("paramsSha256", "Parameters SHA-256", Format.CODE));

    /** Fields shown in the environment table instead. */
    static final Set<String> ELSEWHERE = Set.of("sparkVersion");

    private SummaryRows() {
    }

    static List<Row> of(JsonNode summary) {
        List<Row> rows = new ArrayList<>();
        for (Field f : KNOWN) {
            JsonNode v = summary.get(f.key());
            if (v != null && !v.isNull()) {
                rows.add(new Row(f.label(), format(summary, f), f.format() == Format.CODE));
            }
        }
        Set<String> known = new java.util.HashSet<>(ELSEWHERE);
        KNOWN.forEach(f -> known.add(f.key()));
        for (Map.Entry<String, JsonNode> e : summary.properties()) {
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                rows.add(new Row(e.getKey(), text(e.getValue()), false));
            }
        }
        return rows;
    }

    /** A JSON value as display text: strings as they are, anything else as JSON. */
    static String text(JsonNode v) {
        return v.isTextual() ? v.textValue() : v.toString();
    }

    private static String format(JsonNode summary, Field f) {
        JsonNode node = summary.get(f.key());
        if (f.format() == Format.TEXT || f.format() == Format.CODE) {
            return text(node);
        }
        if (f.format() == Format.YES_NO) {
            return node.isBoolean() ? (node.booleanValue() ? "yes" : "no") : text(node);
        }
        double v;
        try {
            v = Json.number(summary, f.key());
        } catch (Json.NotANumber e) {
            return text(node);
        }
        if (!Double.isFinite(v)) {
            return text(node);
        }
        return switch (f.format()) {
            case ACCURACY -> String.format(Locale.ROOT, "%.4f (%.2f %%)", v, 100 * v);
            case LOSS -> String.format(Locale.ROOT, "%.4f", v);
            case COUNT -> v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : text(node);
            case BEST_EPOCH -> v >= 1 ? String.format(Locale.ROOT, "%d", (long) v) : "none tracked (the last epoch's parameters are kept)";
            case SECONDS -> seconds(v);
            case RATE -> String.format(Locale.ROOT, "%,.1f", v);
            case BYTES -> String.format(Locale.ROOT, "%.1f MB (%,d bytes)", v / 1e6, (long) v);
            case RATIO -> String.format(Locale.ROOT, "%.3f×", v);
            default -> text(node);
        };
    }

    /** Seconds, with minutes and hours spelled out beyond a minute: "754.2 s (12 min 34 s)". */
    static String seconds(double s) {
        String plain = String.format(Locale.ROOT, "%.1f s", s);
        if (s < 60) {
            return plain;
        }
        long total = Math.round(s);
        long h = total / 3600;
        long m = total % 3600 / 60;
        long sec = total % 60;
        return plain + " (" + (h > 0 ? h + " h " : "") + m + " min " + sec + " s)";
    }
}
