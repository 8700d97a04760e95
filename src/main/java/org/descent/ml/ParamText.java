package org.descent.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.Option;

/** Param values as text for messages and {@code explainParams()}, arrays written out element by element. */
final class ParamText {
    private ParamText() {
    }

    /** A value as a person reads it: strings quoted, arrays as {@code [a, b]}. */
    static String show(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        return plain(value);
    }

    /**
     * The line {@code explainParam} gives, {@code "name: doc (default: …, current: …)"}. Spark
     * prints array values as JVM identities ({@code [Ljava.lang.String;@1b2c3d}); for a param
     * holding an array this writes the elements instead, otherwise it returns {@code sparkLine}.
     */
    @SuppressWarnings("unchecked")
    static String explain(Params owner, Param<?> param, String sparkLine) {
        Param<Object> p = (Param<Object>) param;
        Option<Object> byDefault = owner.getDefault(p);
        Option<Object> current = owner.get(p);
        if (!isArray(byDefault) && !isArray(current)) {
            return sparkLine;
        }
        List<String> parts = new ArrayList<>();
        if (byDefault.isDefined()) {
            parts.add("default: " + plain(byDefault.get()));
        }
        if (current.isDefined()) {
            parts.add("current: " + plain(current.get()));
        }
        return param.name() + ": " + param.doc() + " (" + String.join(", ", parts) + ")";
    }

    private static boolean isArray(Option<Object> value) {
        return value.isDefined() && value.get() != null && value.get().getClass().isArray();
    }

    private static String plain(Object value) {
        if (value instanceof Object[] a) {
            return Arrays.toString(a);
        }
        if (value instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (value instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (value instanceof long[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(value);
    }
}
