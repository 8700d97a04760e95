package org.descent.loss;

/** Validation of class-index labels stored as floats. */
final class ClassLabels {
    private ClassLabels() {
    }

    /**
     * The label as an index in [0, k).
     *
     * @throws IllegalArgumentException naming the example and the label when it is not an integer class
     */
    static int index(float label, int k, int example) {
        int y = (int) label;
        if (y != label || y < 0 || y >= k) {
            throw new IllegalArgumentException("example " + example + ": label " + label + " is not a class index in [0, " + k + ")");
        }
        return y;
    }
}
