package org.descent.optim;

/** The accepted range of every hyperparameter key; violations are one line naming optimizer, key, value and range. */
final class HyperparameterRanges {
    private HyperparameterRanges() {
    }

    static void check(String optimizer, String key, double value) {
        String range = switch (key) {
            case "learningRate", "weightDecay", "clipValue", "clipNorm", "stepMin" -> value >= 0 ? null : "≥ 0";
            case "momentum", "beta1", "beta2" -> value >= 0 && value < 1 ? null : "[0, 1)";
            case "rho" -> value >= 0 && value <= 1 ? null : "[0, 1]";
            case "eps", "trustCoefficient", "stepMax" -> value > 0 ? null : "> 0";
            case "centered" -> value == 0 || value == 1 ? null : "0 or 1";
            case "variant" -> value == 0 || value == 1 ? null : "irprop_minus (0) or rprop_minus (1)";
            case "etaPlus" -> value > 1 ? null : "> 1";
            case "etaMinus" -> value > 0 && value < 1 ? null : "(0, 1)";
            default -> null;
        };
        if (range != null || !Double.isFinite(value)) {
            throw new IllegalArgumentException(optimizer + ": " + key + " = " + value + " is out of range; accepted: " + (range == null ? "a finite number" : range));
        }
    }
}
