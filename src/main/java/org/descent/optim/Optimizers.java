package org.descent.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.descent.schedule.Schedule;
import org.descent.util.Suggest;

/**
 * Named optimizers with the hyperparameter keys used everywhere in Descent (conf files,
 * {@code --set}): {@code learningRate, momentum, beta1, beta2, eps, rho, weightDecay, centered,
 * etaPlus, etaMinus, stepMin, stepMax, variant, trustCoefficient, clipValue, clipNorm}. Rprop's {@code variant} is
 * {@code irprop_minus} (0, the default) or {@code rprop_minus} (1): {@link #value} reads either form. Defaults are
 * PyTorch's (SGD's learning rate, which PyTorch requires, defaults to 0.01).
 *
 * <p>Every optimizer is the chain {@code [clipValue] → [clipNorm] → [weightDecay (L2)] → rule}, so
 * clipping sees the raw gradient, as {@code clip_grad_*} before {@code optimizer.step()} does.
 * AdamW, LARS and LAMB treat {@code weightDecay} as part of their rule (decoupled or layer-wise).
 */
public final class Optimizers {
    private Optimizers() {
    }

    /** Builds a rule from the resolved hyperparameters and the schedules. */
    @FunctionalInterface
    private interface Rule {
        GradientTransform build(Map<String, Double> h, Schedule lr, Schedule momentum);
    }

    private record Spec(Map<String, Double> defaults, boolean ownsWeightDecay, Rule rule) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add("sgd", false, (h, lr, mu) -> new Sgd(lr), "learningRate", 0.01);
        add("momentum", false, (h, lr, mu) -> new Momentum(lr, mu), "learningRate", 0.01, "momentum", 0.9);
        add("nesterov", false, (h, lr, mu) -> new Nesterov(lr, mu), "learningRate", 0.01, "momentum", 0.9);
        add("adagrad", false, (h, lr, mu) -> new AdaGrad(lr, h.get("eps")), "learningRate", 0.01, "eps", 1e-10);
        add("rmsprop", false, (h, lr, mu) -> new RmsProp(lr, h.get("rho"), h.get("eps"), h.get("momentum"), h.get("centered") != 0),
                "learningRate", 0.01, "rho", 0.99, "eps", 1e-8, "momentum", 0.0, "centered", 0.0);
        add("adam", false, (h, lr, mu) -> new Adam(lr, h.get("beta1"), h.get("beta2"), h.get("eps"), false),
                "learningRate", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
        add("amsgrad", false, (h, lr, mu) -> new Adam(lr, h.get("beta1"), h.get("beta2"), h.get("eps"), true),
                "learningRate", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
        add("adamw", true, (h, lr, mu) -> Chain.of(new Adam(lr, h.get("beta1"), h.get("beta2"), h.get("eps"), false),
                        new DecoupledWeightDecay(lr, h.get("weightDecay"))),
                "learningRate", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 1e-2);
        add("adamax", false, (h, lr, mu) -> new Adamax(lr, h.get("beta1"), h.get("beta2"), h.get("eps")),
                "learningRate", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
        add("nadam", false, (h, lr, mu) -> new NAdam(lr, h.get("beta1"), h.get("beta2"), h.get("eps")),
                "learningRate", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
        add("adadelta", false, (h, lr, mu) -> new AdaDelta(lr, h.get("rho"), h.get("eps")), "learningRate", 1.0, "rho", 0.9, "eps", 1e-6);
        add("rprop", false, (h, lr, mu) -> new Rprop(h.get("learningRate"), h.get("etaMinus"), h.get("etaPlus"), h.get("stepMin"), h.get("stepMax"),
                        Rprop.Variant.values()[(int) (double) h.get("variant")]),
                "learningRate", 0.01, "etaMinus", 0.5, "etaPlus", 1.2, "stepMin", 1e-6, "stepMax", 50.0, "variant", 0.0);
        add("lars", true, (h, lr, mu) -> new Lars(lr, mu, h.get("weightDecay"), h.get("trustCoefficient")),
                "learningRate", 0.1, "momentum", 0.9, "weightDecay", 0.0, "trustCoefficient", 1e-3);
        add("lamb", true, (h, lr, mu) -> new Lamb(lr, h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weightDecay")),
                "learningRate", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-6, "weightDecay", 0.01);
    }

    private static void add(String name, boolean ownsWeightDecay, Rule rule, Object... keyValues) {
        Map<String, Double> defaults = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            defaults.put((String) keyValues[i], (Double) keyValues[i + 1]);
        }
        for (String c : List.of("weightDecay", "clipValue", "clipNorm")) {
            defaults.putIfAbsent(c, 0.0);
        }
        SPECS.put(name, new Spec(Collections.unmodifiableMap(defaults), ownsWeightDecay, rule));
    }

    /**
     * A hyperparameter's value as written in a configuration or on a command line: a number, a boolean (1 or 0), or for
     * rprop's {@code variant} the variant's name.
     *
     * @throws IllegalArgumentException saying what is wrong with the value (the caller names the key and where it is)
     */
    public static double value(String key, Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (key.equals("variant")) {
            return Rprop.Variant.parse(String.valueOf(v)).ordinal();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }

    /** The optimizer names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** The keys an optimizer accepts, with their defaults, in a stable order. */
    public static Map<String, Double> keys(String name) {
        return spec(name).defaults();
    }

    public static GradientTransform create(String name, Map<String, Double> hyper) {
        return create(name, hyper, null, null);
    }

    /**
     * @param learningRate a schedule replacing the constant {@code learningRate} (null: constant)
     * @param momentum     a schedule replacing the constant {@code momentum} (null: constant)
     * @throws IllegalArgumentException one line naming an unknown optimizer or key (with the nearest
     *                                  valid one) or a value outside its range
     */
    public static GradientTransform create(String name, Map<String, Double> hyper, Schedule learningRate, Schedule momentum) {
        Spec spec = spec(name);
        Map<String, Double> h = new LinkedHashMap<>(spec.defaults());
        for (Map.Entry<String, Double> e : hyper.entrySet()) {
            if (!spec.defaults().containsKey(e.getKey())) {
                throw new IllegalArgumentException(Suggest.unknown("hyperparameter", e.getKey(), spec.defaults().keySet()) + " (for " + name + ")");
            }
            h.put(e.getKey(), e.getValue());
        }
        h.forEach((k, v) -> HyperparameterRanges.check(name, k, v));
        if (name.equals("rprop") && h.get("stepMax") < h.get("stepMin")) {
            throw new IllegalArgumentException("rprop: stepMax " + h.get("stepMax") + " is below stepMin " + h.get("stepMin"));
        }
        Schedule lr = learningRate != null ? learningRate : Schedule.constant(h.get("learningRate"));
        Schedule mu = momentum != null ? momentum : Schedule.constant(h.getOrDefault("momentum", 0.0));
        List<GradientTransform> stages = new ArrayList<>();
        if (h.get("clipValue") > 0) {
            stages.add(new ClipByValue(h.get("clipValue")));
        }
        if (h.get("clipNorm") > 0) {
            stages.add(new ClipByGlobalNorm(h.get("clipNorm")));
        }
        if (!spec.ownsWeightDecay() && h.get("weightDecay") > 0) {
            stages.add(new AddDecayedWeights(h.get("weightDecay")));
        }
        stages.add(spec.rule().build(h, lr, mu));
        return Chain.of(stages);
    }

    private static Spec spec(String name) {
        Spec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException(Suggest.unknown("optimizer", name, SPECS.keySet()));
        }
        return spec;
    }
}
