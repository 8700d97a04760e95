package org.descent.nn.layers;

import java.util.Arrays;
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
 * direct convolution up to float rounding (the transforms add a few roundings of the inputs' size; F(2×2, 3×3) is the
 * variant whose error stays at the direct product's order, Lavin and Gray §5).
 *
 * <p>The order of every addition is fixed by the shapes and the block size, so the same inputs give the same bits.
 * It is not the direct product's order, so {@link Conv2d} keeps the direct, per-example products for exact sums.
 */
final class Winograd3x3 {
    /** Fewer input channels than this make products too thin for the transforms to pay (the first layer of an image). */
    static final int MIN_CHANNELS = 16;
    /** Tiles per block of examples (about): wide enough for GEMM speed, small enough for the 16 products to stay in cache. */
    static final int BLOCK_TILES = 400;
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
    /** U: [ξ][o][c]. */
    private final float[] u;
    /** ∂U summed over the batch: [ξ][o][c]. */
    private final float[] du;
    /** M, then ∂M, of one block: [ξ][o][block tiles]. */
    private final float[] m;
    /** ∂V of one block: [ξ][c][block tiles], made by the first backward that needs ∂L/∂x. */
    private float[] dv;
    private final float[] plane;
    private final float[] rows;
    /** V of the whole batch when kept from forward (training): block after block, each [ξ][c][block tiles]. */
    private float[] v = new float[0];
    private int keptFor = -1;

    static boolean appliesTo(Geometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.stride() == 1 && g.channels() >= MIN_CHANNELS;
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
        this.u = new float[16 * outChannels * channels];
        this.du = new float[u.length];
        this.m = new float[16 * mStride(blockExamples * tiles)];
        this.plane = new float[planeH * planeW];
        this.rows = new float[4 * planeW];
    }

    /**
     * {@code y = conv(x, W) + b} for {@code n} examples; weights at {@code p[w + (o·C + c)·9 + ky·3 + kx]}, biases at
     * {@code p[b + o]}. With {@code keep} the transformed inputs stay for {@link #backward}.
     */
    void forward(float[] p, int w, int b, int n, float[] x, float[] y, boolean keep) {
        transformFilters(p, w);
        int blockV = 16 * vStride(blockExamples * tiles);
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
                transformInput(x, (e0 + e) * inSize, vOff, cols, e * tiles);
            }
            for (int xi = 0; xi < 16; xi++) {
                Blas.gemm(false, false, outChannels, cols, channels, 1f, u, xi * outChannels * channels, channels,
                        v, vOff + xi * vStride(cols), cols, 0f, m, xi * mStride(cols), cols);
            }
            for (int e = 0; e < nb; e++) {
                transformOutput(cols, e * tiles, p, b, y, (e0 + e) * outSize);
            }
        }
        keptFor = keep ? n : -1;
    }

    /**
     * Adds ∂L/∂W to {@code grads[w …]} and, when {@code dx} is not null, writes ∂L/∂x there, for the {@code n} examples
     * of the last forward (whose inputs are transformed again if forward did not keep them). Biases are the caller's.
     */
    void backward(float[] p, int w, float[] grads, int n, float[] x, float[] dy, float[] dx) {
        boolean kept = keptFor == n;
        int blockV = 16 * vStride(blockExamples * tiles);
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
            for (int e = 0; e < nb; e++) {
                if (!kept) {
                    transformInput(x, (e0 + e) * inSize, vOff, cols, e * tiles);
                }
                transformOutputGradient(dy, (e0 + e) * outSize, cols, e * tiles);
            }
            for (int xi = 0; xi < 16; xi++) {
                Blas.gemm(false, true, outChannels, channels, cols, 1f, m, xi * mStride(cols), cols,
                        v, vOff + xi * vStride(cols), cols, 1f, du, xi * outChannels * channels, channels);
            }
            if (dx != null) {
                for (int xi = 0; xi < 16; xi++) {
                    Blas.gemm(true, false, channels, cols, outChannels, 1f, u, xi * outChannels * channels, channels,
                            m, xi * mStride(cols), cols, 0f, dv, xi * vStride(cols), cols);
                }
                for (int e = 0; e < nb; e++) {
                    transformInputGradient(cols, e * tiles, dx, (e0 + e) * inSize);
                }
            }
        }
        addFilterGradients(grads, w);
    }

    /**
     * The distance between V's (and ∂V's) 16 matrices in a block of {@code cols} tiles: one cache line more than a
     * matrix, so that the transforms' 16 streams do not fall on the same cache sets when a matrix is a multiple of 4 KiB
     * (128 channels × 392 tiles is; the output gradient's transform ran 4× slower).
     */
    private int vStride(int cols) {
        return channels * cols + SKEW;
    }

    /** As {@link #vStride} for M and ∂M. */
    private int mStride(int cols) {
        return outChannels * cols + SKEW;
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

    /** {@code V = Bᵀ d B} for every channel and tile of one example, into the block's columns from {@code col0}. */
    private void transformInput(float[] x, int xOff, int vOff, int cols, int col0) {
        int xiStride = vStride(cols);
        for (int c = 0; c < channels; c++) {
            int src = xOff + c * height * width;
            for (int i = 0; i < height; i++) {
                System.arraycopy(x, src + i * width, plane, (i + pad) * planeW + pad, width);
            }
            int dst = vOff + c * cols + col0;
            for (int ty = 0; ty < tilesH; ty++) {
                int r = 2 * ty * planeW;
                for (int s = 0; s < planeW; s++) {
                    // Bᵀ d along the patch's rows, for the whole row of tiles at once.
                    float d0 = plane[r + s];
                    float d1 = plane[r + planeW + s];
                    float d2 = plane[r + 2 * planeW + s];
                    float d3 = plane[r + 3 * planeW + s];
                    rows[s] = d0 - d2;
                    rows[planeW + s] = d1 + d2;
                    rows[2 * planeW + s] = d2 - d1;
                    rows[3 * planeW + s] = d1 - d3;
                }
                for (int i = 0; i < 4; i++) {
                    int ri = i * planeW;
                    int at = dst + 4 * i * xiStride + ty * tilesW;
                    for (int tx = 0; tx < tilesW; tx++) {
                        // (Bᵀ d) B along the columns.
                        int s = ri + 2 * tx;
                        float t0 = rows[s];
                        float t1 = rows[s + 1];
                        float t2 = rows[s + 2];
                        float t3 = rows[s + 3];
                        v[at + tx] = t0 - t2;
                        v[at + xiStride + tx] = t1 + t2;
                        v[at + 2 * xiStride + tx] = t2 - t1;
                        v[at + 3 * xiStride + tx] = t1 - t3;
                    }
                }
            }
        }
    }

    /** {@code y = Aᵀ M A + b} for every output channel and tile of one example. */
    private void transformOutput(int cols, int col0, float[] p, int b, float[] y, int yOff) {
        int xiStride = mStride(cols);
        for (int o = 0; o < outChannels; o++) {
            float bias = p[b + o];
            int yPlane = yOff + o * outH * outW;
            for (int ty = 0; ty < tilesH; ty++) {
                int oy = 2 * ty;
                boolean second = oy + 1 < outH;
                for (int tx = 0; tx < tilesW; tx++) {
                    int at = o * cols + col0 + ty * tilesW + tx;
                    // Aᵀ M: rows m0 + m1 + m2 and m1 − m2 − m3 of each column j; then the same along the row.
                    float a0 = m[at] + m[at + 4 * xiStride] + m[at + 8 * xiStride];
                    float a1 = m[at + xiStride] + m[at + 5 * xiStride] + m[at + 9 * xiStride];
                    float a2 = m[at + 2 * xiStride] + m[at + 6 * xiStride] + m[at + 10 * xiStride];
                    float a3 = m[at + 3 * xiStride] + m[at + 7 * xiStride] + m[at + 11 * xiStride];
                    float b0 = m[at + 4 * xiStride] - m[at + 8 * xiStride] - m[at + 12 * xiStride];
                    float b1 = m[at + 5 * xiStride] - m[at + 9 * xiStride] - m[at + 13 * xiStride];
                    float b2 = m[at + 6 * xiStride] - m[at + 10 * xiStride] - m[at + 14 * xiStride];
                    float b3 = m[at + 7 * xiStride] - m[at + 11 * xiStride] - m[at + 15 * xiStride];
                    float y00 = a0 + a1 + a2;
                    float y01 = a1 - a2 - a3;
                    float y10 = b0 + b1 + b2;
                    float y11 = b1 - b2 - b3;
                    int ox = 2 * tx;
                    int row = yPlane + oy * outW + ox;
                    y[row] = y00 + bias;
                    if (ox + 1 < outW) {
                        y[row + 1] = y01 + bias;
                    }
                    if (second) {
                        y[row + outW] = y10 + bias;
                        if (ox + 1 < outW) {
                            y[row + outW + 1] = y11 + bias;
                        }
                    }
                }
            }
        }
    }

    /** {@code ∂M = A ∂Y Aᵀ} for every output channel and tile of one example (zero past the output's edge). */
    private void transformOutputGradient(float[] dy, int dyOff, int cols, int col0) {
        int xiStride = mStride(cols);
        for (int o = 0; o < outChannels; o++) {
            int dyPlane = dyOff + o * outH * outW;
            for (int ty = 0; ty < tilesH; ty++) {
                int oy = 2 * ty;
                boolean second = oy + 1 < outH;
                for (int tx = 0; tx < tilesW; tx++) {
                    int ox = 2 * tx;
                    boolean right = ox + 1 < outW;
                    int row = dyPlane + oy * outW + ox;
                    float g00 = dy[row];
                    float g01 = right ? dy[row + 1] : 0f;
                    float g10 = second ? dy[row + outW] : 0f;
                    float g11 = second && right ? dy[row + outW + 1] : 0f;
                    // A ∂Y: rows g0, g0 + g1, g0 − g1, −g1; then the same along columns.
                    float r00 = g00;
                    float r01 = g01;
                    float r10 = g00 + g10;
                    float r11 = g01 + g11;
                    float r20 = g00 - g10;
                    float r21 = g01 - g11;
                    float r30 = -g10;
                    float r31 = -g11;
                    int at = o * cols + col0 + ty * tilesW + tx;
                    put(at, xiStride, 0, r00, r01);
                    put(at, xiStride, 4, r10, r11);
                    put(at, xiStride, 8, r20, r21);
                    put(at, xiStride, 12, r30, r31);
                }
            }
        }
    }

    private void put(int at, int xiStride, int xi0, float a, float b) {
        m[at + xi0 * xiStride] = a;
        m[at + (xi0 + 1) * xiStride] = a + b;
        m[at + (xi0 + 2) * xiStride] = a - b;
        m[at + (xi0 + 3) * xiStride] = -b;
    }

    /** {@code ∂d = B ∂V Bᵀ} for every channel and tile of one example, added over the patches, then cropped into ∂L/∂x. */
    private void transformInputGradient(int cols, int col0, float[] dx, int dxOff) {
        int xiStride = vStride(cols);
        for (int c = 0; c < channels; c++) {
            Arrays.fill(plane, 0f);
            int src = c * cols + col0;
            for (int ty = 0; ty < tilesH; ty++) {
                for (int tx = 0; tx < tilesW; tx++) {
                    int at = src + ty * tilesW + tx;
                    int corner = 2 * ty * planeW + 2 * tx;
                    for (int j = 0; j < 4; j++) {
                        // B ∂V, column j: rows v0, v1 − v2 + v3, −v0 + v1 + v2, −v3.
                        float v0 = dv[at + j * xiStride];
                        float v1 = dv[at + (4 + j) * xiStride];
                        float v2 = dv[at + (8 + j) * xiStride];
                        float v3 = dv[at + (12 + j) * xiStride];
                        rows[j] = v0;
                        rows[4 + j] = v1 - v2 + v3;
                        rows[8 + j] = -v0 + v1 + v2;
                        rows[12 + j] = -v3;
                    }
                    for (int r = 0; r < 4; r++) {
                        // (B ∂V) Bᵀ, row r, added to the patch.
                        float e0 = rows[4 * r];
                        float e1 = rows[4 * r + 1];
                        float e2 = rows[4 * r + 2];
                        float e3 = rows[4 * r + 3];
                        int q = corner + r * planeW;
                        plane[q] += e0;
                        plane[q + 1] += e1 - e2 + e3;
                        plane[q + 2] += -e0 + e1 + e2;
                        plane[q + 3] -= e3;
                    }
                }
            }
            int dst = dxOff + c * height * width;
            for (int i = 0; i < height; i++) {
                System.arraycopy(plane, (i + pad) * planeW + pad, dx, dst + i * width, width);
            }
        }
        // The forward's zero border must stay zero for the next example.
        Arrays.fill(plane, 0f);
    }
}
