package org.descent.landscape;

/**
 * Beale's function {@code f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²}: a flat
 * valley and steep walls, minimum 0 at (3, 0.5).
 */
public final class Beale implements TestFunction {
    @Override
    public String name() {
        return "beale";
    }

    @Override
    public double value(double x, double y) {
        double a = 1.5 - x + x * y;
        double b = 2.25 - x + x * y * y;
        double c = 2.625 - x + x * y * y * y;
        return a * a + b * b + c * c;
    }

    @Override
    public void gradient(double x, double y, double[] out) {
        double a = 1.5 - x + x * y;
        double b = 2.25 - x + x * y * y;
        double c = 2.625 - x + x * y * y * y;
        out[0] = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
        out[1] = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y;
    }

    @Override
    public double[] defaultStart() {
        return new double[] {1, 1.5};
    }

    @Override
    public double[] bounds() {
        return new double[] {-4.5, 4.5, -4.5, 4.5};
    }

    @Override
    public double[] minimum() {
        return new double[] {3, 0.5};
    }
}
