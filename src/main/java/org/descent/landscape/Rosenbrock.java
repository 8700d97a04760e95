package org.descent.landscape;

/** Rosenbrock's banana {@code f = (1 − x)² + 100(y − x²)²}: a curved, narrow valley; minimum 0 at (1, 1). */
public final class Rosenbrock implements TestFunction {
    @Override
    public String name() {
        return "rosenbrock";
    }

    @Override
    public double value(double x, double y) {
        double a = 1 - x;
        double b = y - x * x;
        return a * a + 100 * b * b;
    }

    @Override
    public void gradient(double x, double y, double[] out) {
        double b = y - x * x;
        out[0] = -2 * (1 - x) - 400 * x * b;
        out[1] = 200 * b;
    }

    @Override
    public double[] defaultStart() {
        return new double[] {-1.5, 2};
    }

    @Override
    public double[] bounds() {
        return new double[] {-2, 2, -1, 3};
    }

    @Override
    public double[] minimum() {
        return new double[] {1, 1};
    }
}
