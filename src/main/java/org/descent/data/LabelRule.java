package org.descent.data;

import java.io.Serializable;

/**
 * What a label must be for the loss the model is trained with: a class index in [0, k) for
 * softmax cross-entropy and hinge, a probability in [0, 1] for binary cross-entropy, any finite
 * number for squared error.
 */
public record LabelRule(Kind kind, int classes) implements Serializable {
    public enum Kind { CLASS_INDEX, PROBABILITY, REAL }

    /** The rule of the loss named {@code loss} for a model with {@code outputs} outputs. */
    public static LabelRule forLoss(String loss, int outputs) {
        return switch (loss) {
            case "softmax_cross_entropy", "hinge" -> new LabelRule(Kind.CLASS_INDEX, outputs);
            case "binary_cross_entropy" -> new LabelRule(Kind.PROBABILITY, outputs);
            default -> new LabelRule(Kind.REAL, outputs);
        };
    }

    /** Why {@code label} does not fit, or null when it does. */
    public String problem(float label) {
        if (!Float.isFinite(label)) {
            return "label " + label + " is not finite";
        }
        return switch (kind) {
            case CLASS_INDEX -> label == Math.rint(label) && label >= 0 && label < classes ? null
                    : "label " + CsvParser.abbreviate(Float.toString(label)) + " is not a class index in [0, " + classes + ") (the model has " + classes + " outputs)";
            case PROBABILITY -> label >= 0 && label <= 1 ? null : "label " + label + " is outside [0, 1] (binary cross-entropy)";
            case REAL -> null;
        };
    }

    /** Checks the label at the end of {@code row}. */
    public void check(float[] row) throws DataFormatException {
        String p = problem(row[row.length - 1]);
        if (p != null) {
            throw new DataFormatException(p);
        }
    }
}
