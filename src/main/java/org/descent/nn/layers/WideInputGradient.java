package org.descent.nn.layers;

import java.util.Arrays;
import org.descent.tensor.Blas;
import org.descent.tensor.FloatArrays;

/**
 * A stride-1 convolution's {@code ∂L/∂x} for one example without col2im's short runs. The upstream gradient is laid
 * out "wide", each output row followed by {@code kw − 1} zeros so that a row is as long as a zero-bordered input row
 * ({@code W + 2p}); then row {@code (c, i, j)} of {@code Wᵀ G} lands on the bordered input as one contiguous run,
 * starting at {@code xpad[c][i][j]}, and col2im becomes {@code C·kh·kw} long vectorizable adds instead of
 * {@code C·kh·kw·OH} runs of OW floats (5.4 of the CNN's 26.9 ms second-convolution backward per step of 128, against
 * 9.2 for the product itself). The price is the product over the zero columns: {@code (W + 2p)/OW} of the work
 * (16/14 for a 14 × 14 map).
 *
 * <p>The zero columns of G make the extra columns of {@code Wᵀ G} zero (±0; NaN only if a weight is infinite, when
 * the gradient is NaN anyway); those that fall on the input add ±0 there. So ∂L/∂x is the same sum as col2im's up to
 * the sign of a zero.
 */
final class WideInputGradient {
    private final Geometry g;
    private final int outChannels;
    private final int paddedW;
    private final int paddedPlane;
    /** Output rows × bordered width: the wide gradient's columns. */
    private final int wide;
    private final float[] dyWide;
    private final float[] dcolsWide;
    /** The bordered ∂L/∂x, plus kw floats: the last run reaches that far past the last plane. */
    private final float[] dxpad;

    WideInputGradient(Geometry g, int outChannels) {
        if (g.stride() != 1) {
            throw new IllegalArgumentException("the wide input gradient is for stride 1, got " + g.stride());
        }
        this.g = g;
        this.outChannels = outChannels;
        this.paddedW = g.width() + 2 * g.pad();
        this.paddedPlane = (g.height() + 2 * g.pad()) * paddedW;
        this.wide = g.outH() * paddedW;
        this.dyWide = new float[outChannels * wide];
        this.dcolsWide = new float[g.patch() * wide];
        this.dxpad = new float[g.channels() * paddedPlane + g.kw()];
    }

    /** Whether a geometry can use it: stride 1. */
    static boolean appliesTo(Geometry g) {
        return g.stride() == 1;
    }

    /** {@code dx[dxOff …]} (one example, overwritten) from {@code dy[dyOff …]} and the weights at {@code w[wOff]}. */
    void compute(float[] w, int wOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        int outW = g.outW();
        int outH = g.outH();
        int plane = g.outPlane();
        // G, wide: the zero columns were never written.
        for (int o = 0; o < outChannels; o++) {
            for (int r = 0; r < outH; r++) {
                System.arraycopy(dy, dyOff + o * plane + r * outW, dyWide, o * wide + r * paddedW, outW);
            }
        }
        Blas.gemm(true, false, g.patch(), wide, outChannels, 1f, w, wOff, dyWide, 0, 0f, dcolsWide, 0);
        Arrays.fill(dxpad, 0f);
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row += wide) {
                    FloatArrays.add(dcolsWide, row, dxpad, c * paddedPlane + i * paddedW + j, wide);
                }
            }
        }
        int h = g.height();
        int width = g.width();
        int p = g.pad();
        for (int c = 0; c < g.channels(); c++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(dxpad, c * paddedPlane + (r + p) * paddedW + p, dx, dxOff + (c * h + r) * width, width);
            }
        }
    }
}
