package org.descent.engine.spark;

import java.io.Serializable;

/**
 * One input row after parsing: its features followed by its label, or, for a bad row, the error
 * naming where it is (file and line, or file and row) and what is wrong.
 */
public record ParsedRow(float[] values, String error) implements Serializable {
    public static ParsedRow good(float[] values) {
        return new ParsedRow(values, null);
    }

    public static ParsedRow bad(String error) {
        return new ParsedRow(null, error);
    }

    public boolean isBad() {
        return error != null;
    }
}
