package org.descent.landscape;

/**
 * The quadratic bowl of the optimization deck's single linear neuron, badly conditioned:
 * {@code f = ½(x² + 50y²)} (condition number 50). Gradient descent zig-zags across the steep y
 * direction while crawling along x; momentum and per-parameter rates fix that. Minimum 0 at (0, 0).
 */
public final class IllConditionedQuadratic implements TestFunction {
    static final double CURVATURE_Y = 50;

    @Override
    public String name() {
        return "quadratic";
    }

    @Override
    public double value(double x, double y) {
        return 0.5 * (x * x + CURVATURE_Y * y * y);
    }

    @Override
    public void gradient(double x, double y, double[] out) {
        out[0] = x;
        out[1] = CURVATURE_Y * y;
    }

    @Override
    public double[] defaultStart() {
        return new double[] {-4, 1};
    }

    @Override
    public double[] bounds() {
        return new double[] {-5, 5, -1.5, 1.5};
    }

    @Override
    public double[] curvatures() {
        return new double[] {1, CURVATURE_Y};
    }

    @Override
    public double[] minimum() {
        return new double[] {0, 0};
    }
}
