package org.descent.ml;

import java.io.Serializable;
import java.util.Collection;
import org.descent.models.LayerSpecs;
import org.descent.util.Suggest;
import scala.Function1;
import scala.runtime.AbstractFunction1;

/**
 * Param validators that explain a refusal.
 *
 * <p>Spark calls a param's validator on every {@code set} (and when a saved stage is loaded); when
 * it returns false Spark's message says only that the value is invalid. These validators return
 * true for a valid value and otherwise throw an {@link IllegalArgumentException} that names the
 * param, the value and what is accepted, which then reaches the caller of the setter unchanged.
 */
final class ParamRules {
    private ParamRules() {
    }

    /** What is wrong with a value, or null when it is acceptable. */
    @FunctionalInterface
    interface Rule<T> extends Serializable {
        String problem(T value);
    }

    /** A Spark validator for the param {@code name} that throws {@code rule}'s explanation. */
    static <T> Function1<T, Object> check(String name, Rule<T> rule) {
        return new Check<>(name, rule);
    }

    private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Rule<T> rule;

        Check(String name, Rule<T> rule) {
            this.name = name;
            this.rule = rule;
        }

        @Override
        public Object apply(T value) {
            String problem = value == null ? "a value is required" : rule.problem(value);
            if (problem != null) {
                throw new IllegalArgumentException(name + " = " + ParamText.show(value) + " is refused: " + problem);
            }
            return Boolean.TRUE;
        }
    }

    /** A positive, finite number. */
    static Rule<Object> positive() {
        return v -> ((Number) v).doubleValue() > 0 && Double.isFinite(((Number) v).doubleValue()) ? null : "it must be a positive, finite number";
    }

    /** A number in [0, 1). */
    static Rule<Object> fraction() {
        return v -> ((Number) v).doubleValue() >= 0 && ((Number) v).doubleValue() < 1 ? null : "it must be in [0, 1)";
    }

    /** A finite number ≥ {@code min}. */
    static Rule<Object> atLeastReal(double min) {
        return v -> ((Number) v).doubleValue() >= min && Double.isFinite(((Number) v).doubleValue()) ? null : "it must be a finite number ≥ " + min;
    }

    /** A learning-rate schedule {@link ScheduleText} reads. */
    static Rule<String> schedule() {
        return v -> {
            try {
                ScheduleText.parse(v, 1e-3);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        };
    }

    /** A whole number ≥ {@code min}. */
    static Rule<Object> atLeast(int min) {
        return v -> ((Number) v).intValue() >= min ? null : "it must be ≥ " + min;
    }

    /** One of {@code names} (exactly as written); the message suggests the nearest. */
    static Rule<String> oneOf(String what, Collection<String> names) {
        java.util.List<String> known = java.util.List.copyOf(names);
        return v -> known.contains(v) ? null : Suggest.unknown(what, v, known);
    }

    /** Every entry is a layer {@link LayerSpecs} can parse. */
    static Rule<String[]> layerSpecs() {
        return specs -> {
            for (String s : specs) {
                if (s == null) {
                    return "an entry is null";
                }
                try {
                    LayerSpecs.parse(s);
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            }
            return null;
        };
    }

    /** Empty, or positive dimensions. */
    static Rule<int[]> shape() {
        return dims -> {
            for (int d : dims) {
                if (d <= 0) {
                    return "every dimension must be positive";
                }
            }
            return null;
        };
    }
}
