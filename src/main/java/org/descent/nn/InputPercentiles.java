package org.descent.nn;

import java.util.Arrays;
import java.util.List;
import org.descent.tensor.Shape;

/**
 * The distribution of one unit's input to a layer over a fixed set of examples, as the BN paper's Figure 1 follows the
 * input of a sigmoid over training (Ioffe &amp; Szegedy 2015: "the 15th, 50th and 85th percentiles"). The layers before
 * {@code layer} run in evaluation mode on the examples with the given weights (a prefix of the model's parameter and
 * buffer arrays, which are laid out layer by layer); percentiles interpolate linearly between order statistics (the
 * usual definition, numpy's default).
 */
public final class InputPercentiles {
    private final int unit;
    private final int width;
    private final float[] examples;
    private final int n;
    private final Network prefix;
    private final int params;
    private final int buffers;
    private final double[] values;

    /**
     * @throws IllegalArgumentException one line when {@code layer} or {@code unit} is outside the model
     */
    public InputPercentiles(Sequential model, int layer, int unit, float[] examples, int n) {
        check(model, layer, unit);
        Shape in = model.shapeBefore(layer);
        this.unit = unit;
        this.width = in.size();
        this.examples = examples;
        this.n = n;
        this.prefix = layer == 0 ? null : new Sequential(model.inputShape(), List.copyOf(model.layers().subList(0, layer))).newNetwork();
        this.params = model.slot(layer).paramOffset();
        this.buffers = model.slot(layer).bufferOffset();
        this.values = new double[n];
    }

    /** @throws IllegalArgumentException one line when {@code layer} or {@code unit} is outside the model */
    public static void check(Sequential model, int layer, int unit) {
        int layers = model.layers().size();
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("probe.layer = " + layer + ": the model has " + layers + " layers (0 … " + (layers - 1) + ")");
        }
        Shape in = model.shapeBefore(layer);
        if (unit < 0 || unit >= in.size()) {
            throw new IllegalArgumentException("probe.unit = " + unit + ": layer " + layer + " (" + model.layers().get(layer).type() + ") has an input of "
                    + in.size() + " values " + in);
        }
    }

    /** The 15th, 50th and 85th percentiles of the unit's input under these weights. */
    public double[] at(float[] allParams, float[] allBuffers) {
        float[] in = examples;
        if (prefix != null) {
            StepContext ctx = new StepContext(Arrays.copyOf(allParams, params), null, Arrays.copyOf(allBuffers, buffers), null);
            ctx.mode = Mode.EVAL;
            in = prefix.forward(ctx, examples, n);
        }
        for (int i = 0; i < n; i++) {
            values[i] = in[i * width + unit];
        }
        Arrays.sort(values);   // a workspace of this probe: sorted in place, refilled by the next call
        return new double[] {percentile(values, 15), percentile(values, 50), percentile(values, 85)};
    }

    /** The q-th percentile of sorted values, linear between the order statistics at q/100 · (n − 1). */
    static double percentile(double[] sorted, double q) {
        double at = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }
}
