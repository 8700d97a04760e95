package org.descent.landscape;

/** A function of two variables with an exact gradient, for watching optimizers move. */
public interface TestFunction {
    String name();

    double value(double x, double y);

    /** Writes {@code (∂f/∂x, ∂f/∂y)} into {@code out}. */
    void gradient(double x, double y, double[] out);

    /** The usual start point of the optimization deck's figures. */
    double[] defaultStart();

    /** The plotting window {@code {xMin, xMax, yMin, yMax}}. */
    double[] bounds();

    /** The global minimum's location, or null when the function is unbounded below (the saddle). */
    double[] minimum();

    /** For a quadratic with axis-aligned curvatures, {@code {λ_x, λ_y}}; else null. */
    default double[] curvatures() {
        return null;
    }
}
