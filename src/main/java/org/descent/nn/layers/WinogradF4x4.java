package org.descent.nn.layers;

import java.util.Arrays;
import org.descent.tensor.Blas;

/**
 * A 3×3, stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016): 36 multiplications per 4×4 block of outputs and input channel instead of
 * 144, a quarter of the direct convolution's multiply-adds (F(2×2, 3×3), {@link Winograd3x3}, does 4/9).
 *
 * <p>The output is cut into 4×4 tiles; tile t reads the 6×6 input patch {@code d} under it (zero outside the input).
 * With {@code Bᵀ} and {@code Aᵀ} of {@link WinogradF4Rows} and
 * <pre>
 *   G = |  1/4     0     0  |
 *       | −1/6  −1/6  −1/6  |
 *       | −1/6   1/6  −1/6  |
 *       | 1/24  1/12   1/6  |
 *       | 1/24 −1/12   1/6  |
 *       |   0     0     1   |
 * </pre>
 * each weight 3×3 {@code g} becomes {@code U = G g Gᵀ}, each patch {@code V = Bᵀ d B}, and the tile's output is
 * {@code Y = Aᵀ (Σ_c U_{o,c} ⊙ V_{c,t}) A}. For each of the 36 positions ξ of the 6×6 transforms the sum over channels
 * is one matrix product {@code M_ξ = U_ξ · V_ξ} (O×C by C×tiles), over a block of examples at a time. Backward is the
 * gradient of these steps, as in {@link Winograd3x3}: {@code ∂M = A ∂Y Aᵀ}, {@code ∂U_ξ = ∂M_ξ V_ξᵀ},
 * {@code ∂V_ξ = U_ξᵀ ∂M_ξ}, {@code ∂g = Gᵀ ∂U G} and {@code ∂d = B ∂V Bᵀ} added over the overlapping patches.
 *
 * <p>Precision: G's thirds and sixths round in float, and the transforms multiply by up to 8 and 25, so the error is
 * larger than F(2×2, 3×3)'s — Lavin and Gray measure about an order of magnitude, still well inside what float
 * training tolerates; {@code WinogradF4x4Test} bounds it against the direct sums. The order of every addition is fixed
 * by the shapes and the block size, so the same inputs give the same bits.
 */
final class WinogradF4x4 implements WinogradConvolution {
    /** Tiles per block of examples (about): 48 is three examples of a 14×14 output, whose V and M (2.1 MB) fill a core's L2 about as F(2×2)'s blocks do. */
    static final int BLOCK_TILES = 48;
    private static final int SKEW = 16;
    /**
     * Values per run of a 2-D transform's passes: both 1-D passes go over this many consecutive values of the block's
     * matrices before the next, so that the intermediate ({@link #stage}, 36 × 128 floats, 18 KB) stays in L1 and each
     * matrix is read and written once per transform.
     */
    private static final int CHUNK = 128;
    private static final float SIXTH = 1f / 6f;
    private static final float TWELFTH = 1f / 12f;
    private static final float TWENTY_FOURTH = 1f / 24f;

    private final int channels;
    private final int outChannels;
    private final int height;
    private final int width;
    private final int pad;
    private final int outH;
    private final int outW;
    private final int tilesH;
    private final int tilesW;
    private final int tiles;
    private final int planeH;
    private final int planeW;
    private final int blockExamples;
    private final int blockV;
    /** U: [ξ][o][c]. */
    private final float[] u;
    /** ∂U summed over the batch: [ξ][o][c]. */
    private final float[] du;
    /** M, then ∂M, of one block: [ξ][o][block tiles]. */
    private final float[] m;
    /** ∂V of one block: [ξ][c][block tiles], made by the first backward that needs ∂L/∂x. */
    private float[] dv;
    /** The zero-bordered plane of one channel. */
    private final float[] plane;
    /** Where each tile's patch starts on the bordered plane: {@code 4·ty·planeW + 4·tx}. */
    private final int[] patchAt;
    /** Where each tile's outputs start on a {@code 4·tilesH × 4·tilesW} plane: {@code 16·ty·tilesW + 4·tx}. */
    private final int[] tileAt;
    /** One output channel's ∂L/∂y on the whole tiles' plane, zero past the output's edge. */
    private final float[] gradientPlane;
    /** One output channel's values on the whole tiles' plane, before the ones past the edge are dropped. */
    private final float[] outputPlane;
    /** The first of a transform's two 1-D passes over a chunk of a block's values: [36][{@link #CHUNK}]. */
    private final float[] stage;
    /** A block's outputs, or output gradients, by position in the 4×4 tile: [16][o][block tiles]. */
    private final float[] outputs;
    /** V of the whole batch when kept from forward (training): block after block, each [ξ][c][block tiles]. */
    private float[] v = new float[0];
    private int keptFor = -1;

    WinogradF4x4(Geometry g, int outChannels) {
        this(g, outChannels, BLOCK_TILES);
    }

    /** As {@link #WinogradF4x4(Geometry, int)} with the tiles per block given (tests use small blocks). */
    WinogradF4x4(Geometry g, int outChannels, int blockTiles) {
        if (g.kh() != 3 || g.kw() != 3 || g.stride() != 1) {
            throw new IllegalArgumentException("F(4×4, 3×3) is for a 3×3 kernel at stride 1, got " + g.kh() + "×" + g.kw()
                    + " at stride " + g.stride());
        }
        this.channels = g.channels();
        this.outChannels = outChannels;
        this.height = g.height();
        this.width = g.width();
        this.pad = g.pad();
        this.outH = g.outH();
        this.outW = g.outW();
        this.tilesH = (outH + 3) / 4;
        this.tilesW = (outW + 3) / 4;
        this.tiles = tilesH * tilesW;
        this.planeH = 4 * tilesH + 2;
        this.planeW = 4 * tilesW + 2;
        this.blockExamples = Math.max(1, blockTiles / tiles);
        this.blockV = 36 * vStride(blockExamples * tiles);
        this.u = new float[36 * outChannels * channels];
        this.du = new float[u.length];
        this.m = new float[36 * mStride(blockExamples * tiles)];
        this.plane = new float[planeH * planeW];
        this.patchAt = new int[tiles];
        this.tileAt = new int[tiles];
        for (int ty = 0; ty < tilesH; ty++) {
            for (int tx = 0; tx < tilesW; tx++) {
                patchAt[ty * tilesW + tx] = 4 * ty * planeW + 4 * tx;
                tileAt[ty * tilesW + tx] = 16 * ty * tilesW + 4 * tx;
            }
        }
        this.gradientPlane = new float[16 * tiles];
        this.outputPlane = new float[16 * tiles];
        int blockCols = blockExamples * tiles;
        this.stage = new float[36 * CHUNK];
        this.outputs = new float[16 * mStride(blockCols)];
    }

    /**
     * The multiplications of the transformed products per example, input and output channel: 36 per 4×4 tile, against
     * the 16 per 2×2 tile of F(2×2, 3×3) ({@link Winograd3x3#multiplies}) and 9 per output of the direct convolution.
     */
    static long multiplies(Geometry g) {
        return 36L * ((g.outH() + 3) / 4) * ((g.outW() + 3) / 4);
    }

    @Override
    public void forward(float[] p, int w, int b, int n, float[] x, float[] y, boolean keep) {
        transformFilters(p, w);
        int need = keep ? blockV * ((n + blockExamples - 1) / blockExamples) : blockV;
        if (v.length < need) {
            v = new float[need];
        }
        int inSize = channels * height * width;
        int outSize = outChannels * outH * outW;
        for (int e0 = 0; e0 < n; e0 += blockExamples) {
            int nb = Math.min(blockExamples, n - e0);
            int cols = nb * tiles;
            int vOff = keep ? blockV * (e0 / blockExamples) : 0;
            for (int e = 0; e < nb; e++) {
                gatherPatches(x, (e0 + e) * inSize, vOff, cols, e * tiles);
            }
            transformBlockInput(vOff, cols);
            for (int xi = 0; xi < 36; xi++) {
                Blas.gemm(false, false, outChannels, cols, channels, 1f, u, xi * outChannels * channels, channels,
                        v, vOff + xi * vStride(cols), cols, 0f, m, xi * mStride(cols), cols);
            }
            transformBlockOutput(cols, nb, p, b, y, e0 * outSize);
        }
        keptFor = keep ? n : -1;
    }

    @Override
    public void backward(float[] p, int w, float[] grads, int n, float[] x, float[] dy, float[] dx) {
        boolean kept = keptFor == n;
        if (!kept) {
            transformFilters(p, w);
            if (v.length < blockV) {
                v = new float[blockV];
            }
        }
        if (dx != null && dv == null) {
            dv = new float[blockV];
        }
        Arrays.fill(du, 0f);
        int inSize = channels * height * width;
        int outSize = outChannels * outH * outW;
        for (int e0 = 0; e0 < n; e0 += blockExamples) {
            int nb = Math.min(blockExamples, n - e0);
            int cols = nb * tiles;
            int vOff = kept ? blockV * (e0 / blockExamples) : 0;
            if (!kept) {
                for (int e = 0; e < nb; e++) {
                    gatherPatches(x, (e0 + e) * inSize, vOff, cols, e * tiles);
                }
                transformBlockInput(vOff, cols);
            }
            transformBlockOutputGradient(dy, e0 * outSize, cols, nb);
            for (int xi = 0; xi < 36; xi++) {
                Blas.gemm(false, true, outChannels, channels, cols, 1f, m, xi * mStride(cols), cols,
                        v, vOff + xi * vStride(cols), cols, 1f, du, xi * outChannels * channels, channels);
            }
            if (dx != null) {
                for (int xi = 0; xi < 36; xi++) {
                    Blas.gemm(true, false, channels, cols, outChannels, 1f, u, xi * outChannels * channels, channels,
                            m, xi * mStride(cols), cols, 0f, dv, xi * vStride(cols), cols);
                }
                transformBlockInputGradient(cols, nb, dx, e0 * inSize);
            }
        }
        addFilterGradients(grads, w);
    }

    /** V's (and ∂V's) matrices in a block of {@code cols} tiles are a matrix and a cache line apart (see {@link Winograd3x3}). */
    private int vStride(int cols) {
        return channels * cols + SKEW;
    }

    private int mStride(int cols) {
        return outChannels * cols + SKEW;
    }

    @Override
    public void forgetInputs() {
        keptFor = -1;
    }

    /** {@code U = G g Gᵀ} for every (o, c): G down each column of the kernel, then along each row of the result. */
    private void transformFilters(float[] p, int w) {
        int oc = outChannels * channels;
        float[] t = stage;
        for (int k = 0; k < oc; k++) {
            int g = w + 9 * k;
            for (int j = 0; j < 3; j++) {
                filterColumn(p[g + j], p[g + 3 + j], p[g + 6 + j], t, j, 3);
            }
            for (int i = 0; i < 6; i++) {
                filterColumn(t[3 * i], t[3 * i + 1], t[3 * i + 2], u, 6 * i * oc + k, oc);
            }
        }
    }

    /**
     * {@code G (g0, g1, g2)}: g0/4, −(g0 + g2 + g1)/6, −(g0 + g2 − g1)/6, (g0/24 + g2/6) + g1/12,
     * (g0/24 + g2/6) − g1/12, g2; into {@code out[at + r·stride]}.
     */
    private static void filterColumn(float g0, float g1, float g2, float[] out, int at, int stride) {
        float outer = g0 + g2;
        float ends = TWENTY_FOURTH * g0 + SIXTH * g2;
        float middle = TWELFTH * g1;
        out[at] = 0.25f * g0;
        out[at + stride] = -SIXTH * (outer + g1);
        out[at + 2 * stride] = -SIXTH * (outer - g1);
        out[at + 3 * stride] = ends + middle;
        out[at + 4 * stride] = ends - middle;
        out[at + 5 * stride] = g2;
    }

    /** {@code ∂g = Gᵀ ∂U G}, added to the weights' gradients: Gᵀ down each column of ∂U, then along each row. */
    private void addFilterGradients(float[] grads, int w) {
        int oc = outChannels * channels;
        float[] t = stage;
        for (int k = 0; k < oc; k++) {
            for (int j = 0; j < 6; j++) {
                filterColumnGradient(du, j * oc + k, 6 * oc, t, j, 6);
            }
            int g = w + 9 * k;
            for (int r = 0; r < 3; r++) {
                int at = 6 * r;
                float d0 = t[at];
                float d1 = t[at + 1];
                float d2 = t[at + 2];
                float d3 = t[at + 3];
                float d4 = t[at + 4];
                float d5 = t[at + 5];
                grads[g + 3 * r] += gradient0(d0, d1, d2, d3, d4);
                grads[g + 3 * r + 1] += gradient1(d1, d2, d3, d4);
                grads[g + 3 * r + 2] += gradient2(d1, d2, d3, d4, d5);
            }
        }
    }

    /** {@code Gᵀ (d0 … d5)}, the d's at {@code src[at + k·stride]}, into {@code out[to + r·outStride]} for r &lt; 3. */
    private static void filterColumnGradient(float[] src, int at, int stride, float[] out, int to, int outStride) {
        float d0 = src[at];
        float d1 = src[at + stride];
        float d2 = src[at + 2 * stride];
        float d3 = src[at + 3 * stride];
        float d4 = src[at + 4 * stride];
        float d5 = src[at + 5 * stride];
        out[to] = gradient0(d0, d1, d2, d3, d4);
        out[to + outStride] = gradient1(d1, d2, d3, d4);
        out[to + 2 * outStride] = gradient2(d1, d2, d3, d4, d5);
    }

    /** Gᵀ's row 0: (d0/4 − (d1 + d2)/6) + (d3 + d4)/24. */
    private static float gradient0(float d0, float d1, float d2, float d3, float d4) {
        return (0.25f * d0 - SIXTH * (d1 + d2)) + TWENTY_FOURTH * (d3 + d4);
    }

    /** Gᵀ's row 1: (d2 − d1)/6 + (d3 − d4)/12. */
    private static float gradient1(float d1, float d2, float d3, float d4) {
        return SIXTH * (d2 - d1) + TWELFTH * (d3 - d4);
    }

    /** Gᵀ's row 2: ((d3 + d4) − (d1 + d2))/6 + d5. */
    private static float gradient2(float d1, float d2, float d3, float d4, float d5) {
        return SIXTH * ((d3 + d4) - (d1 + d2)) + d5;
    }

    /**
     * Example {@code e}'s 6×6 input patches of every channel, gathered by position into the block's V:
     * {@code v[vOff + (dy·6 + dx)·vStride + c·cols + col0 + tile]} = the bordered plane's value under the patch's
     * (dy, dx); {@link #transformBlockInput} then turns them into V.
     */
    private void gatherPatches(float[] x, int xOff, int vOff, int cols, int col0) {
        int xiStride = vStride(cols);
        for (int c = 0; c < channels; c++) {
            int src = xOff + c * height * width;
            for (int i = 0; i < height; i++) {
                System.arraycopy(x, src + i * width, plane, (i + pad) * planeW + pad, width);
            }
            int base = vOff + c * cols + col0;
            for (int dy = 0; dy < 6; dy++) {
                for (int dxx = 0; dxx < 6; dxx++) {
                    WinogradF4Rows.gather(plane, dy * planeW + dxx, patchAt, v, base + (dy * 6 + dxx) * xiStride, tiles);
                }
            }
        }
    }

    /**
     * {@code V = Bᵀ d B} for the whole block in place at {@code v[vOff]}: Bᵀ along each patch row (into {@link #stage}),
     * then down each column (back into V), each 1-D pass over all channels and tiles of the block at once.
     */
    private void transformBlockInput(int vOff, int cols) {
        int xiStride = vStride(cols);
        int run = channels * cols;
        for (int k = 0; k < run; k += CHUNK) {
            int len = Math.min(CHUNK, run - k);
            for (int dy = 0; dy < 6; dy++) {
                WinogradF4Rows.inputForward(v, vOff + 6 * dy * xiStride + k, xiStride, stage, 6 * dy * CHUNK, CHUNK, len);
            }
            for (int j = 0; j < 6; j++) {
                WinogradF4Rows.inputForward(stage, j * CHUNK, 6 * CHUNK, v, vOff + j * xiStride + k, 6 * xiStride, len);
            }
        }
    }

    /**
     * {@code y = Aᵀ M A + b} for the block's {@code nb} examples from example {@code e0}: Aᵀ down each column of M (into
     * {@link #stage}), along each row (into {@link #outputs}), each pass over all output channels and tiles at once;
     * then each example's tiles scattered to its planes, outputs past the edge dropped.
     */
    private void transformBlockOutput(int cols, int nb, float[] p, int b, float[] y, int yOff) {
        int xiStride = mStride(cols);
        int run = outChannels * cols;
        for (int k = 0; k < run; k += CHUNK) {
            int len = Math.min(CHUNK, run - k);
            for (int j = 0; j < 6; j++) {
                WinogradF4Rows.outputForward(m, j * xiStride + k, 6 * xiStride, stage, j * CHUNK, 6 * CHUNK, len);
            }
            for (int i = 0; i < 4; i++) {
                WinogradF4Rows.outputForward(stage, 6 * i * CHUNK, CHUNK, outputs, 4 * i * xiStride + k, xiStride, len);
            }
        }
        int outSize = outChannels * outH * outW;
        int wide = 4 * tilesW;
        for (int e = 0; e < nb; e++) {
            for (int o = 0; o < outChannels; o++) {
                int base = o * cols + e * tiles;
                for (int i = 0; i < 4; i++) {
                    for (int jj = 0; jj < 4; jj++) {
                        WinogradF4Rows.scatter(outputs, base + (4 * i + jj) * xiStride, outputPlane, i * wide + jj, tileAt, tiles);
                    }
                }
                float bias = p[b + o];
                int yPlane = yOff + e * outSize + o * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    int row = yPlane + oy * outW;
                    int from = oy * wide;
                    for (int ox = 0; ox < outW; ox++) {
                        y[row + ox] = outputPlane[from + ox] + bias;
                    }
                }
            }
        }
    }

    /**
     * {@code ∂M = A ∂Y Aᵀ} for the block's {@code nb} examples from the one at {@code dy[dyOff]}: ∂Y gathered by
     * position in the tile into {@link #outputs} (zero past the output's edge), then A along each row (into
     * {@link #stage}) and down each column (into M), each pass over all output channels and tiles at once.
     */
    private void transformBlockOutputGradient(float[] dy, int dyOff, int cols, int nb) {
        int xiStride = mStride(cols);
        int outSize = outChannels * outH * outW;
        int wide = 4 * tilesW;
        for (int e = 0; e < nb; e++) {
            for (int o = 0; o < outChannels; o++) {
                int dyPlane = dyOff + e * outSize + o * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    System.arraycopy(dy, dyPlane + oy * outW, gradientPlane, oy * wide, outW);
                }
                int base = o * cols + e * tiles;
                for (int i = 0; i < 4; i++) {
                    for (int jj = 0; jj < 4; jj++) {
                        WinogradF4Rows.gather(gradientPlane, i * wide + jj, tileAt, outputs, base + (4 * i + jj) * xiStride, tiles);
                    }
                }
            }
        }
        int run = outChannels * cols;
        for (int k = 0; k < run; k += CHUNK) {
            int len = Math.min(CHUNK, run - k);
            for (int i = 0; i < 4; i++) {
                WinogradF4Rows.outputBackward(outputs, 4 * i * xiStride + k, xiStride, stage, 6 * i * CHUNK, CHUNK, len);
            }
            for (int j = 0; j < 6; j++) {
                WinogradF4Rows.outputBackward(stage, j * CHUNK, 6 * CHUNK, m, j * xiStride + k, 6 * xiStride, len);
            }
        }
    }

    /**
     * {@code ∂d = B ∂V Bᵀ} for the block in place in {@link #dv}: B down each column (into {@link #stage}), then along
     * each row (back into ∂V's place), each pass over all channels and tiles at once; then, example by example and
     * channel by channel, each patch added onto a zeroed bordered plane in a fixed order (patches overlap by two rows
     * and columns), whose interior is ∂L/∂x.
     */
    private void transformBlockInputGradient(int cols, int nb, float[] dx, int dxOff) {
        int xiStride = vStride(cols);
        int run = channels * cols;
        for (int k = 0; k < run; k += CHUNK) {
            int len = Math.min(CHUNK, run - k);
            for (int j = 0; j < 6; j++) {
                WinogradF4Rows.inputBackward(dv, j * xiStride + k, 6 * xiStride, stage, j * CHUNK, 6 * CHUNK, len);
            }
            for (int r = 0; r < 6; r++) {
                WinogradF4Rows.inputBackward(stage, 6 * r * CHUNK, CHUNK, dv, 6 * r * xiStride + k, xiStride, len);
            }
        }
        int inSize = channels * height * width;
        for (int e = 0; e < nb; e++) {
            for (int c = 0; c < channels; c++) {
                Arrays.fill(plane, 0f);
                int base = c * cols + e * tiles;
                for (int dy = 0; dy < 6; dy++) {
                    for (int dxx = 0; dxx < 6; dxx++) {
                        WinogradF4Rows.scatterAdd(dv, base + (dy * 6 + dxx) * xiStride, plane, dy * planeW + dxx, patchAt, tiles);
                    }
                }
                int dst = dxOff + e * inSize + c * height * width;
                for (int h = 0; h < height; h++) {
                    System.arraycopy(plane, (h + pad) * planeW + pad, dx, dst + h * width, width);
                }
            }
        }
        // The plane's border must be zero again for the next forward's patches.
        Arrays.fill(plane, 0f);
    }
}
