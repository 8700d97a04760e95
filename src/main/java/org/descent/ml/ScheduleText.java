package org.descent.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.descent.schedule.Schedule;
import org.descent.schedule.Schedules;

/**
 * A learning-rate schedule written as one string, for a Spark param that a {@code ParamGridBuilder} can vary:
 * {@code type} or {@code type(key=value, …)} with the keys of {@code train}'s {@code learningRateSchedule} block
 * ({@link Schedules}), e.g. {@code constant}, {@code cosine(steps=2000, floor=1e-5)},
 * {@code step(gamma=0.5, stepSize=1000, warmupSteps=100)}, {@code multistep(gamma=0.1, milestones=[1000, 3000])}.
 * A missing {@code initial} is the learningRate param.
 */
final class ScheduleText {
    private ScheduleText() {
    }

    /** The schedule; one line naming what is wrong otherwise. */
    static Schedule parse(String text, double learningRate) {
        return Schedules.parse(config(text), learningRate);
    }

    /** The configuration map of {@code text}: {@code type} and each key's number or list of numbers. */
    static Map<String, Object> config(String text) {
        String s = text.trim();
        Map<String, Object> config = new LinkedHashMap<>();
        int open = s.indexOf('(');
        if (open < 0) {
            config.put("type", s);
            return config;
        }
        if (!s.endsWith(")")) {
            throw new IllegalArgumentException("'" + text + "': missing ')'");
        }
        config.put("type", s.substring(0, open).trim());
        String inner = s.substring(open + 1, s.length() - 1).trim();
        if (inner.isEmpty()) {
            return config;
        }
        for (String entry : splitTopLevel(inner)) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + text + "': '" + entry.trim() + "' is not key=value");
            }
            String key = entry.substring(0, eq).trim();
            String value = entry.substring(eq + 1).trim();
            config.put(key, value.startsWith("[") ? list(text, key, value) : number(text, key, value));
        }
        return config;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static List<Double> list(String text, String key, String value) {
        if (!value.endsWith("]")) {
            throw new IllegalArgumentException("'" + text + "': " + key + " = " + value + " is missing ']'");
        }
        List<Double> out = new ArrayList<>();
        for (String v : value.substring(1, value.length() - 1).split(",")) {
            if (!v.isBlank()) {
                out.add(number(text, key, v.trim()));
            }
        }
        return out;
    }

    private static Double number(String text, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': " + key + " = '" + value + "' is not a number");
        }
    }
}
