package org.descent.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.descent.util.Suggest;

/**
 * Builds schedules from configuration maps ({@code type} plus that type's keys, and optionally
 * {@code warmupSteps} and {@code warmupStartFactor} for a linear warm-up around it):
 * <pre>
 *   constant     value
 *   step         initial, gamma, stepSize
 *   multistep    initial, gamma, milestones (list of steps)
 *   exponential  initial, k
 *   inverse_time initial, k
 *   polynomial   initial, end, steps, power
 *   cosine       initial, floor, steps
 *   plateau      initial, factor, patience, threshold, cooldown, min   (reduce on a plateau of the evaluated loss)
 *   sutskever    max          (momentum)
 *   nesterov     max          (momentum)
 *   switch       first, steps, then  (momentum: first for the first steps updates, then `then`, default the
 *                                     optimizer's momentum; Sutskever et al. 2013's RNN schedule)
 * </pre>
 * A missing {@code initial} (or {@code value}) takes the caller's default, e.g. the optimizer's
 * learningRate.
 */
public final class Schedules {
    private static final Map<String, List<String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("constant", List.of("value"));
        KEYS.put("step", List.of("initial", "gamma", "stepSize"));
        KEYS.put("multistep", List.of("initial", "gamma", "milestones"));
        KEYS.put("exponential", List.of("initial", "k"));
        KEYS.put("inverse_time", List.of("initial", "k"));
        KEYS.put("polynomial", List.of("initial", "end", "steps", "power"));
        KEYS.put("cosine", List.of("initial", "floor", "steps"));
        KEYS.put("plateau", List.of("initial", "factor", "patience", "threshold", "cooldown", "min"));
        KEYS.put("sutskever", List.of("max"));
        KEYS.put("nesterov", List.of("max"));
        KEYS.put("switch", List.of("first", "steps", "then"));
    }

    private static final Set<String> WARMUP = Set.of("warmupSteps", "warmupStartFactor");

    private Schedules() {
    }

    public static List<String> types() {
        return List.copyOf(KEYS.keySet());
    }

    /** The keys a schedule type accepts (besides {@code type} and the warm-up keys). */
    public static List<String> keys(String type) {
        List<String> k = KEYS.get(type);
        if (k == null) {
            throw new IllegalArgumentException(Suggest.unknown("schedule type", type, KEYS.keySet()));
        }
        return k;
    }

    /**
     * @throws IllegalArgumentException one line naming an unknown type or key (with the nearest) or a
     *                                  missing or ill-typed value
     */
    public static Schedule parse(Map<String, ?> config, double defaultInitial) {
        Object typeValue = config.get("type");
        if (typeValue == null) {
            throw new IllegalArgumentException("schedule needs a 'type' (one of " + String.join(", ", KEYS.keySet()) + ")");
        }
        String type = typeValue.toString();
        List<String> accepted = keys(type);
        for (String key : config.keySet()) {
            if (!key.equals("type") && !accepted.contains(key) && !WARMUP.contains(key)) {
                List<String> all = new java.util.ArrayList<>(accepted);
                all.addAll(WARMUP);
                throw new IllegalArgumentException(Suggest.unknown("key for schedule " + type, key, all));
            }
        }
        Schedule s = switch (type) {
            case "constant" -> Schedule.constant(number(config, "value", defaultInitial));
            case "step" -> new StepDecay(number(config, "initial", defaultInitial), number(config, "gamma", null),
                    (long) number(config, "stepSize", null));
            case "multistep" -> new MultiStepDecay(number(config, "initial", defaultInitial), number(config, "gamma", null), milestones(config));
            case "exponential" -> new ExponentialDecay(number(config, "initial", defaultInitial), number(config, "k", null));
            case "inverse_time" -> new InverseTimeDecay(number(config, "initial", defaultInitial), number(config, "k", null));
            case "polynomial" -> new PolynomialDecay(number(config, "initial", defaultInitial), number(config, "end", 0.0),
                    (long) number(config, "steps", null), number(config, "power", 1.0));
            case "cosine" -> new CosineDecay(number(config, "initial", defaultInitial), number(config, "floor", 0.0), (long) number(config, "steps", null));
            case "plateau" -> new ReduceOnPlateau(number(config, "initial", defaultInitial), number(config, "factor", 0.1), (int) number(config, "patience", 10.0),
                    number(config, "threshold", 1e-4), (int) number(config, "cooldown", 0.0), number(config, "min", 0.0), ReduceOnPlateau.Goal.MIN);
            case "sutskever" -> new SutskeverMomentum(number(config, "max", 0.999));
            case "switch" -> new SwitchedMomentum(number(config, "first", 0.9), (long) number(config, "steps", 1000.0), number(config, "then", defaultInitial));
            default -> new NesterovMomentum(number(config, "max", 0.999));
        };
        if (config.containsKey("warmupSteps") && s instanceof ReduceOnPlateau) {
            throw new IllegalArgumentException("schedule plateau does not take warmupSteps (it follows the evaluated loss, not the step)");
        }
        if (config.containsKey("warmupSteps")) {
            s = new LinearWarmup(s, (long) number(config, "warmupSteps", null), number(config, "warmupStartFactor", 0.0));
        }
        return s;
    }

    private static double number(Map<String, ?> config, String key, Double fallback) {
        Object v = config.get(key);
        if (v == null) {
            if (fallback == null || fallback.isNaN()) {
                throw new IllegalArgumentException("schedule " + config.get("type") + " needs '" + key + "'");
            }
            return fallback;
        }
        if (v instanceof Number num) {
            return num.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule " + config.get("type") + ": " + key + " = '" + v + "' is not a number");
        }
    }

    private static long[] milestones(Map<String, ?> config) {
        Object v = config.get("milestones");
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("schedule multistep needs 'milestones', a list of steps");
        }
        long[] m = new long[list.size()];
        for (int i = 0; i < m.length; i++) {
            if (!(list.get(i) instanceof Number num)) {
                throw new IllegalArgumentException("schedule multistep: milestone '" + list.get(i) + "' is not a number");
            }
            m[i] = num.longValue();
        }
        return m;
    }
}
