package org.descent.nn.layers;

import java.util.Arrays;
import org.descent.nn.WorkShare;
import org.descent.tensor.Blas;

/**
 * A 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016): 16 multiplications per 2×2 block of outputs and input channel instead of
 * 36, so the products do 4/9 of the direct convolution's multiply-adds.
 *
 * <p>The output is cut into 2×2 tiles; tile t reads the 4×4 input patch {@code d} under it (zero outside the input).
 * With
 * <pre>
 *   Bᵀ = | 1  0 −1  0 |     G = | 1    0    0  |     Aᵀ = | 1  1  1  0 |
 *        | 0  1  1  0 |         | ½    ½    ½  |          | 0  1 −1 −1 |
 *        | 0 −1  1  0 |         | ½   −½    ½  |
 *        | 0  1  0 −1 |         | 0    0    1  |
 * </pre>
 * each weight 3×3 {@code g} becomes {@code U = G g Gᵀ}, each patch {@code V = Bᵀ d B}, and the tile's output is
 * {@code Y = Aᵀ (Σ_c U_{o,c} ⊙ V_{c,t}) A}. For each of the 16 positions ξ of the 4×4 transforms the sum over channels
 * is one matrix product {@code M_ξ = U_ξ · V_ξ} (O×C by C×tiles), over a block of examples at a time.
 *
 * <p>Backward is the gradient of these same steps: {@code ∂M = A ∂Y Aᵀ} per tile, {@code ∂U_ξ = ∂M_ξ V_ξᵀ} and
 * {@code ∂V_ξ = U_ξᵀ ∂M_ξ} (matrix products again), {@code ∂g = Gᵀ ∂U G} and {@code ∂d = B ∂V Bᵀ}, the latter added
 * over overlapping patches. So ∂L/∂W and ∂L/∂x are exactly the gradients of the computed forward, which equals the
 * direct convolution up to float rounding: the transforms only add and halve, and Lavin and Gray measure F(2×2, 3×3)'s
 * float error at the direct convolution's order (the larger tiles' grows). {@code Winograd3x3Test} checks it against
 * the direct sums, {@code Conv2dTest} against PyTorch and finite differences.
 *
 * <p>The order of every addition is fixed by the shapes and the block size, so the same inputs give the same bits.
 * It is not the direct product's order, so {@link Conv2d} keeps the direct, per-example products for exact sums.
 *
 * <p>Blocks are independent but for ∂U, which adds every block's product in block order: given a
 * {@link WorkShare.Member}, forward and backward open their block loops to the JVM's idle workers, each block running
 * on the running worker's {@link Scratch}, ∂U's products taking their turns in block order ({@link WorkShare.Turns});
 * the bits are the same whoever runs which block.
 */
final class Winograd3x3 {
    /** Fewer input channels than this make products too thin for the transforms to pay (the first layer of an image). */
    static final int MIN_CHANNELS = 16;
    /**
     * Tiles per block of examples (about): wide enough for GEMM speed, small enough for a block's V and M to stay in a
     * core's L2. For 64 → 128 channels over 14×14 that is 2 examples (98 tiles, 1.2 MB). With 8 examples (392 tiles,
     * 4.8 MB) one thread alone was as fast, but two at once, as in {@code local[2]}, took 49–54 ms per step of 64 in
     * that layer instead of 41–42 ({@code bench layers --model fashion-cnn} run twice side by side).
     */
    static final int BLOCK_TILES = 100;
    /** Floats between consecutive transform matrices beyond their size: one cache line. */
    private static final int SKEW = 16;

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
    /** The zero-bordered plane: rows and columns covering every tile's patch. */
    private final int planeH;
    private final int planeW;
    private final int blockExamples;
    /** Floats of one block's V (or ∂V): its 16 matrices at {@link #vStride} apart, for a full block. */
    private final int blockV;
    /** U: [ξ][o][c]. */
    private final float[] u;
    /** ∂U summed over the batch: [ξ][o][c]. */
    private final float[] du;
    /** Scratch for the filter transforms' intermediate 4×3 and 3×4 matrices. */
    private final float[] rows;
    /** V of the whole batch when kept from forward (training): block after block, each [ξ][c][block tiles]. */
    private float[] v = new float[0];
    private int keptFor = -1;
    /** Where the transforms' per-position arrays meet the planes ({@link WinogradMaps}). */
    private final WinogradMaps maps;
    /** This kernel's own block scratch; a helping worker uses its own, of the same {@link #shape}. */
    private final Scratch own;
    /** What a block's scratch depends on: workers keep one scratch per shape. */
    private final Shape shape;

    private record Shape(int channels, int outChannels, int height, int width, int pad, int blockExamples) {
    }

    /** One worker's buffers for a block. */
    private static final class Scratch {
        /** M, then ∂M, of one block: [ξ][o][block tiles]. */
        final float[] m;
        /** The zero-bordered plane. */
        final float[] plane;
        /** Per-tile values split by position in the tile or patch, each over consecutive tiles (see the transforms). */
        final float[] split;
        /** The first of a transform's two 1-D passes, by position in the tile: [16][tiles]. */
        final float[] stage;
        /** {@link org.descent.tensor.RowSums}' scratch for the bias gradient's plane sums. */
        final double[] rowSums = org.descent.tensor.RowSums.scratch();
        /** V of one block when not kept from forward, and ∂V of one block: [ξ][c][block tiles], made when first needed. */
        private float[] v;
        private float[] dv;
        private final int blockV;

        Scratch(int mLength, int planeLength, int splitLength, int stageLength, int blockV) {
            this.m = new float[mLength];
            this.plane = new float[planeLength];
            this.split = new float[splitLength];
            this.stage = new float[stageLength];
            this.blockV = blockV;
        }

        float[] v() {
            if (v == null) {
                v = new float[blockV];
            }
            return v;
        }

        float[] dv() {
            if (dv == null) {
                dv = new float[blockV];
            }
            return dv;
        }
    }

    /** The JVM-wide switch: {@code -Ddescent.conv.winograd=false} keeps every convolution on the direct products. */
    static final String PROPERTY = "descent.conv.winograd";

    static boolean appliesTo(Geometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.stride() == 1 && g.channels() >= MIN_CHANNELS
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    Winograd3x3(Geometry g, int outChannels) {
        this(g, outChannels, BLOCK_TILES);
    }

    /** As {@link #Winograd3x3(Geometry, int)} with the tiles per block given (tests use small blocks). */
    Winograd3x3(Geometry g, int outChannels, int blockTiles) {
        if (g.kh() != 3 || g.kw() != 3 || g.stride() != 1) {
            throw new IllegalArgumentException("F(2×2, 3×3) is for a 3×3 kernel at stride 1, got " + g.kh() + "×" + g.kw()
                    + " at stride " + g.stride());
        }
        this.channels = g.channels();
        this.outChannels = outChannels;
        this.height = g.height();
        this.width = g.width();
        this.pad = g.pad();
        this.outH = g.outH();
        this.outW = g.outW();
        this.tilesH = (outH + 1) / 2;
        this.tilesW = (outW + 1) / 2;
        this.tiles = tilesH * tilesW;
        this.planeH = 2 * tilesH + 2;
        this.planeW = 2 * tilesW + 2;
        this.blockExamples = Math.max(1, blockTiles / tiles);
        this.blockV = 16 * vStride(blockExamples * tiles);
        this.u = new float[16 * outChannels * channels];
        this.du = new float[u.length];
        this.rows = new float[16];
        this.shape = new Shape(channels, outChannels, height, width, pad, blockExamples);
        this.maps = WinogradMaps.of(height, width, pad, outH, outW, tilesH, tilesW, planeW);
        this.own = newScratch();
    }

    private Scratch newScratch() {
        return new Scratch(16 * mStride(blockExamples * tiles), planeH * planeW, Math.max(8 * (tilesH + 1) * tilesW, maps.splitLength()),
                16 * tiles, blockV);
    }

    /** The scratch a block runs on in {@code worker}: this kernel's own in its owner's thread, else the worker's. */
    private Scratch scratchOf(WorkShare.Member worker, WorkShare.Member owner) {
        return worker == owner ? own : worker.scratch(shape, this::newScratch);
    }

    private int blocks(int n) {
        return (n + blockExamples - 1) / blockExamples;
    }

    /**
     * {@code y = conv(x, W) + b} for {@code n} examples; weights at {@code p[w + (o·C + c)·9 + ky·3 + kx]}, biases at
     * {@code p[b + o]}. With {@code keep} the transformed inputs stay for {@link #backward}. Its blocks are open to
     * {@code share}'s workers when that is not null.
     */
    void forward(float[] p, int w, int b, int n, float[] x, float[] y, boolean keep, WorkShare.Member share) {
        transformFilters(p, w);
        int need = keep ? blockV * blocks(n) : 0;
        if (v.length < need) {
            v = new float[need];
        }
        if (share == null) {
            for (int block = 0; block < blocks(n); block++) {
                forwardBlock(own, block, p, b, n, x, y, keep);
            }
        } else {
            share.run(blocks(n), (block, worker) -> forwardBlock(scratchOf(worker, share), block, p, b, n, x, y, keep));
        }
        keptFor = keep ? n : -1;
    }

    /** Forward's block {@code block} (examples from {@code block · blockExamples}) on scratch {@code s}. */
    private void forwardBlock(Scratch s, int block, float[] p, int b, int n, float[] x, float[] y, boolean keep) {
        int inSize = channels * height * width;
        int outSize = outChannels * outH * outW;
        int e0 = block * blockExamples;
        int nb = Math.min(blockExamples, n - e0);
        int cols = nb * tiles;
        float[] vb = keep ? v : s.v();
        int vOff = keep ? blockV * block : 0;
        for (int e = 0; e < nb; e++) {
            transformInput(s, x, (e0 + e) * inSize, vb, vOff, cols, e * tiles);
        }
        for (int xi = 0; xi < 16; xi++) {
            Blas.gemm(false, false, outChannels, cols, channels, 1f, u, xi * outChannels * channels, channels,
                    vb, vOff + xi * vStride(cols), cols, 0f, s.m, xi * mStride(cols), cols);
        }
        for (int e = 0; e < nb; e++) {
            transformOutput(s, cols, e * tiles, p, b, y, (e0 + e) * outSize);
        }
    }

    /**
     * Adds ∂L/∂W to {@code grads[w …]} and, when {@code dx} is not null, writes ∂L/∂x there, for the {@code n} examples
     * of the last forward (whose inputs are transformed again if forward did not keep them). Biases are the caller's.
     * Its blocks are open to {@code share}'s workers when that is not null. When {@code planeSums} is not null it also
     * gets each example's sum over every output plane of ∂L/∂y — the terms of ∂L/∂b, by {@code RowSums.sums} as the
     * caller would take them — at {@code planeSums[e · outChannels + o]}: each block sums its examples' planes right
     * after transforming them, while they are in cache, instead of a pass of its own over ∂L/∂y.
     */
    void backward(float[] p, int w, float[] grads, int n, float[] x, float[] dy, float[] dx, WorkShare.Member share, double[] planeSums) {
        boolean kept = keptFor == n;
        if (!kept) {
            transformFilters(p, w);
        }
        Arrays.fill(du, 0f);
        if (share == null) {
            for (int block = 0; block < blocks(n); block++) {
                backwardBlock(own, block, n, x, dy, dx, kept, null, planeSums);
            }
        } else {
            WorkShare.Turns turns = new WorkShare.Turns();
            share.run(blocks(n), (block, worker) -> {
                try {
                    backwardBlock(scratchOf(worker, share), block, n, x, dy, dx, kept, turns, planeSums);
                } catch (RuntimeException | Error e) {
                    turns.abort();   // the blocks after it will not all take their turns
                    throw e;
                }
            });
        }
        addFilterGradients(grads, w);
    }

    /**
     * Backward's block {@code block} on scratch {@code s}: ∂M, its share of ∂U (added in block order: with
     * {@code turns}, after the blocks before it, whichever worker ran them), then ∂V and ∂L/∂x of its examples.
     */
    private void backwardBlock(Scratch s, int block, int n, float[] x, float[] dy, float[] dx, boolean kept, WorkShare.Turns turns,
                               double[] planeSums) {
        int inSize = channels * height * width;
        int planeSize = outH * outW;
        int outSize = outChannels * planeSize;
        int e0 = block * blockExamples;
        int nb = Math.min(blockExamples, n - e0);
        int cols = nb * tiles;
        float[] vb = kept ? v : s.v();
        int vOff = kept ? blockV * block : 0;
        boolean ready = false;
        try {
            for (int e = 0; e < nb; e++) {
                if (!kept) {
                    transformInput(s, x, (e0 + e) * inSize, vb, vOff, cols, e * tiles);
                }
                transformOutputGradient(s, dy, (e0 + e) * outSize, cols, e * tiles);
                if (planeSums != null) {
                    org.descent.tensor.RowSums.sums(dy, (e0 + e) * outSize, planeSize, outChannels, planeSize, false, planeSums,
                            (e0 + e) * outChannels, s.rowSums);
                }
            }
            ready = true;
        } finally {
            if (turns != null) {
                turns.await(block);
            }
            try {
                if (ready) {
                    for (int xi = 0; xi < 16; xi++) {
                        Blas.gemm(false, true, outChannels, channels, cols, 1f, s.m, xi * mStride(cols), cols,
                                vb, vOff + xi * vStride(cols), cols, 1f, du, xi * outChannels * channels, channels);
                    }
                }
            } finally {
                if (turns != null) {
                    turns.pass(block);
                }
            }
        }
        if (dx != null) {
            float[] dv = s.dv();
            for (int xi = 0; xi < 16; xi++) {
                Blas.gemm(true, false, channels, cols, outChannels, 1f, u, xi * outChannels * channels, channels,
                        s.m, xi * mStride(cols), cols, 0f, dv, xi * vStride(cols), cols);
            }
            for (int e = 0; e < nb; e++) {
                transformInputGradient(s, cols, e * tiles, dx, (e0 + e) * inSize);
            }
        }
    }

    /**
     * The distance between V's (and ∂V's) 16 matrices in a block of {@code cols} tiles: one cache line more than a
     * matrix, so that the transforms' 16 streams do not fall on the same cache sets when a matrix is a multiple of 4 KiB
     * (128 channels × 392 tiles, the blocks of 8 examples before {@link #BLOCK_TILES} was 100, is: the layer took 58 ms
     * per step of 64 instead of 40 in {@code bench layers}).
     */
    private int vStride(int cols) {
        return channels * cols + SKEW;
    }

    /** As {@link #vStride} for M and ∂M. */
    private int mStride(int cols) {
        return outChannels * cols + SKEW;
    }

    /** Drops the inputs kept by the last forward: the next backward transforms its inputs again. */
    void forgetInputs() {
        keptFor = -1;
    }

    /** {@code U = G g Gᵀ} for every (o, c). */
    private void transformFilters(float[] p, int w) {
        int oc = outChannels * channels;
        for (int k = 0; k < oc; k++) {
            int g = w + 9 * k;
            for (int j = 0; j < 3; j++) {
                // t = G g, column j of the kernel.
                float g0 = p[g + j];
                float g1 = p[g + 3 + j];
                float g2 = p[g + 6 + j];
                rows[j] = g0;
                rows[3 + j] = 0.5f * (g0 + g1 + g2);
                rows[6 + j] = 0.5f * (g0 - g1 + g2);
                rows[9 + j] = g2;
            }
            for (int i = 0; i < 4; i++) {
                // U = t Gᵀ, row i.
                float t0 = rows[3 * i];
                float t1 = rows[3 * i + 1];
                float t2 = rows[3 * i + 2];
                int at = 4 * i * oc + k;
                u[at] = t0;
                u[at + oc] = 0.5f * (t0 + t1 + t2);
                u[at + 2 * oc] = 0.5f * (t0 - t1 + t2);
                u[at + 3 * oc] = t2;
            }
        }
    }

    /** {@code ∂g = Gᵀ ∂U G}, added to the weights' gradients. */
    private void addFilterGradients(float[] grads, int w) {
        int oc = outChannels * channels;
        for (int k = 0; k < oc; k++) {
            for (int j = 0; j < 4; j++) {
                // s = Gᵀ ∂U, column j.
                float d0 = du[j * oc + k];
                float d1 = du[(4 + j) * oc + k];
                float d2 = du[(8 + j) * oc + k];
                float d3 = du[(12 + j) * oc + k];
                rows[j] = d0 + 0.5f * (d1 + d2);
                rows[4 + j] = 0.5f * (d1 - d2);
                rows[8 + j] = 0.5f * (d1 + d2) + d3;
            }
            int g = w + 9 * k;
            for (int r = 0; r < 3; r++) {
                // ∂g = s G, row r.
                float s0 = rows[4 * r];
                float s1 = rows[4 * r + 1];
                float s2 = rows[4 * r + 2];
                float s3 = rows[4 * r + 3];
                grads[g + 3 * r] += s0 + 0.5f * (s1 + s2);
                grads[g + 3 * r + 1] += 0.5f * (s1 - s2);
                grads[g + 3 * r + 2] += 0.5f * (s1 + s2) + s3;
            }
        }
    }

    /**
     * {@code V = Bᵀ d B} for every channel and tile of one example, into the block's columns from {@code col0}. The
     * zero-bordered plane is first split by row parity and by column offset within a tile ({@code split[δx][parity]
     * [k·tilesW + tx] = plane[2k + parity][2tx + δx]}, through {@link WinogradMaps#inputOf}), so that the transform
     * runs over consecutive tiles: tile {@code q = ty·tilesW + tx} reads rows 2ty and 2ty + 2 at {@code q} and
     * {@code q + tilesW} of the even rows.
     */
    private void transformInput(Scratch sc, float[] x, int xOff, float[] v, int vOff, int cols, int col0) {
        int[] inputOf = maps.inputOf();
        float[] plane = sc.plane;
        float[] split = sc.split;
        float[] stage = sc.stage;
        int xiStride = vStride(cols);
        int seg = (tilesH + 1) * tilesW;
        for (int c = 0; c < channels; c++) {
            int src = xOff + c * height * width;
            for (int i = 0; i < height; i++) {
                System.arraycopy(x, src + i * width, plane, (i + pad) * planeW + pad, width);
            }
            for (int j = 0; j < inputOf.length; j++) {
                split[j] = plane[inputOf[j]];
            }
            for (int dy = 0; dy < 4; dy++) {
                // d B along patch row dy (row 2ty + dy: parity dy & 1, tile row ty + dy / 2): stage[dy][j].
                WinogradRows.inputForward(split, (dy & 1) * seg + (dy >> 1) * tilesW, 2 * seg, stage, 4 * dy * tiles, tiles, tiles);
            }
            int dst = vOff + c * cols + col0;
            for (int j = 0; j < 4; j++) {
                // Bᵀ down column j: V[i][j].
                WinogradRows.inputForward(stage, j * tiles, 4 * tiles, v, dst + j * xiStride, 4 * xiStride, tiles);
            }
        }
    }

    /**
     * {@code y = Aᵀ M A + b} for every output channel and tile of one example: the transform over consecutive tiles
     * into four arrays by position in the tile, then the plane written in order from them
     * ({@link WinogradMaps#outputOf}).
     */
    private void transformOutput(Scratch sc, int cols, int col0, float[] p, int b, float[] y, int yOff) {
        int[] outputOf = maps.outputOf();
        float[] m = sc.m;
        float[] split = sc.split;
        float[] stage = sc.stage;
        int xiStride = mStride(cols);
        for (int o = 0; o < outChannels; o++) {
            int at = o * cols + col0;
            for (int j = 0; j < 4; j++) {
                // Aᵀ M down column j: stage[r][j].
                WinogradRows.outputForward(m, at + j * xiStride, 4 * xiStride, stage, j * tiles, 4 * tiles, tiles);
            }
            for (int r = 0; r < 2; r++) {
                // (Aᵀ M) A along row r: the outputs (r, 0) and (r, 1).
                WinogradRows.outputForward(stage, 4 * r * tiles, tiles, split, 2 * r * tiles, tiles, tiles);
            }
            float bias = p[b + o];
            int yPlane = yOff + o * outH * outW;
            for (int i = 0; i < outputOf.length; i++) {
                y[yPlane + i] = split[outputOf[i]] + bias;
            }
        }
    }

    /**
     * {@code ∂M = A ∂Y Aᵀ} for every output channel and tile of one example (zero past the output's edge): ∂Y gathered
     * into four arrays by position in the tile ({@link WinogradMaps#gradientFrom}), then the transform over consecutive
     * tiles.
     */
    private void transformOutputGradient(Scratch sc, float[] dy, int dyOff, int cols, int col0) {
        int[] gradientFrom = maps.gradientFrom();
        float[] m = sc.m;
        float[] split = sc.split;
        float[] stage = sc.stage;
        int xiStride = mStride(cols);
        for (int o = 0; o < outChannels; o++) {
            int dyPlane = dyOff + o * outH * outW;
            for (int j = 0; j < gradientFrom.length; j++) {
                int from = gradientFrom[j];
                split[j] = from >= 0 ? dy[dyPlane + from] : 0f;
            }
            for (int b = 0; b < 2; b++) {
                // A ∂Y down column b: stage[i][b].
                WinogradRows.outputBackward(split, b * tiles, 2 * tiles, stage, b * tiles, 2 * tiles, tiles);
            }
            int at = o * cols + col0;
            for (int i = 0; i < 4; i++) {
                // (A ∂Y) Aᵀ along row i: ∂M[i][j].
                WinogradRows.outputBackward(stage, 2 * i * tiles, tiles, m, at + 4 * i * xiStride, xiStride, tiles);
            }
        }
    }

    /**
     * {@code ∂d = B ∂V Bᵀ} for every channel and tile of one example, into 16 arrays by position (r, s) in the patch
     * over consecutive tiles; then each input pixel sums the up to four patches over it: on the bordered plane, pixel
     * {@code (2k + a, 2l + b)} is position (a, b) of tile (k, l), (a, b + 2) of tile (k, l − 1), (a + 2, b) of tile
     * (k − 1, l) and (a + 2, b + 2) of tile (k − 1, l − 1), added in that order to +0 ({@link WinogradMaps#patchOf}). An absent
     * patch adds a +0 of the {@link WinogradMaps#zeroSlot}, which changes no bits: a sum that starts at +0 is never −0, and
     * {@code s + 0 = s} for every other s, NaN and infinities included.
     */
    private void transformInputGradient(Scratch sc, int cols, int col0, float[] dx, int dxOff) {
        int[] patchOf = maps.patchOf();
        float[] dv = sc.dv();
        float[] split = sc.split;
        float[] stage = sc.stage;
        int xiStride = vStride(cols);
        split[maps.zeroSlot()] = 0f;
        for (int c = 0; c < channels; c++) {
            int at = c * cols + col0;
            for (int j = 0; j < 4; j++) {
                // B ∂V down column j: stage[r][j].
                WinogradRows.inputBackward(dv, at + j * xiStride, 4 * xiStride, stage, j * tiles, 4 * tiles, tiles);
            }
            for (int r = 0; r < 4; r++) {
                // (B ∂V) Bᵀ along row r: ∂d[r][s].
                WinogradRows.inputBackward(stage, 4 * r * tiles, tiles, split, 4 * r * tiles, tiles, tiles);
            }
            int dst = dxOff + c * height * width;
            int hw = height * width;
            for (int i = 0; i < hw; i++) {
                dx[dst + i] = (((0f + split[patchOf[i]]) + split[patchOf[hw + i]]) + split[patchOf[2 * hw + i]])
                        + split[patchOf[3 * hw + i]];
            }
        }
    }
}
