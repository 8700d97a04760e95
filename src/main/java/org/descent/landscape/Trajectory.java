package org.descent.landscape;

import java.util.ArrayList;
import java.util.List;
import org.descent.nn.ParamLayout;
import org.descent.optim.GradientTransform;
import org.descent.optim.OptState;

/** Runs an optimizer on a test function, the parameters held as float32 like a network's. */
public final class Trajectory {
    private Trajectory() {
    }

    /**
     * Rows {@code {step, x, y, f}}: step 0 is the start, then one row per update. A run that leaves
     * the finite numbers stops there (the last row holds the non-finite point).
     */
    public static List<double[]> run(TestFunction f, GradientTransform optimizer, double[] start, int steps) {
        float[] p = {(float) start[0], (float) start[1]};
        float[] u = new float[2];
        double[] g = new double[2];
        OptState state = optimizer.init(ParamLayout.flat(2));
        List<double[]> rows = new ArrayList<>(steps + 1);
        rows.add(new double[] {0, p[0], p[1], f.value(p[0], p[1])});
        for (int s = 0; s < steps; s++) {
            f.gradient(p[0], p[1], g);
            u[0] = (float) g[0];
            u[1] = (float) g[1];
            optimizer.update(u, state, p, s);
            p[0] += u[0];
            p[1] += u[1];
            double value = f.value(p[0], p[1]);
            rows.add(new double[] {s + 1, p[0], p[1], value});
            if (!Double.isFinite(value)) {
                break;
            }
        }
        return rows;
    }
}
