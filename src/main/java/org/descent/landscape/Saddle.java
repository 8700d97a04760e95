package org.descent.landscape;

/** The saddle {@code f = x² − y²}: a critical point at the origin that is a minimum along x and a maximum along y. */
public final class Saddle implements TestFunction {
    @Override
    public String name() {
        return "saddle";
    }

    @Override
    public double value(double x, double y) {
        return x * x - y * y;
    }

    @Override
    public void gradient(double x, double y, double[] out) {
        out[0] = 2 * x;
        out[1] = -2 * y;
    }

    @Override
    public double[] defaultStart() {
        return new double[] {-1, 1e-3};
    }

    @Override
    public double[] bounds() {
        return new double[] {-1.5, 1.5, -1.5, 1.5};
    }

    @Override
    public double[] minimum() {
        return null;
    }
}
