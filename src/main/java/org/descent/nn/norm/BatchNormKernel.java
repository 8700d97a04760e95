package org.descent.nn.norm;

import org.descent.nn.Kernel;
import org.descent.nn.LayerSlot;
import org.descent.nn.Mode;
import org.descent.nn.StepContext;
import org.descent.nn.layers.MaxPool2x2;
import org.descent.tensor.ExactSum;
import org.descent.tensor.FloatMath;
import org.descent.tensor.RowSums;

/**
 * {@link BatchNorm}'s compute, with workspaces reused across steps; optionally fused with a ReLU and a 2×2, stride-2
 * max pooling after it ({@link #pooled}).
 *
 * <p>The work goes channel by channel: a channel's values over the batch (n·H·W floats, 400 KB for 128 examples of
 * 28×28) stay in the cache for its passes. A dense input (one value per channel and example) goes row by row instead,
 * every channel at once ({@link #rowMajor}): a channel's values would be a column. Fused, a channel's normalized
 * values live only in a scratch row of that size: forward pools them from there under ReLU's floor
 * ({@link MaxPool2x2#forwardPlaneRouted}, which also records where each window's gradient goes), and backward routes
 * the pooled gradient into a zeroed scratch row and recomputes x̂ from x, so neither y = γx̂ + β nor x̂ goes through
 * memory at full size, and backward never reads the pooled y; with synchronized statistics the routed ∂L/∂y waits for
 * the exchange in ∂L/∂x's place, which the input gradient then overwrites in place (x̂ recomputed from x as it goes).
 * The element-wise passes read x and write ∂L/∂x directly, on the Vector API
 * ({@link BatchNormLanes}).
 * Synchronized float sums take the statistics in one exchange ({@link #mergeMoments}), so each channel's local rounds
 * run while its values are in cache. Every value is computed by the same expressions, sums included, in the same order as by the three layers' own kernels, so the fused kernel gives their bits:
 * outputs, ∂L/∂x, ∂L/∂γ, ∂L/∂β and statistics, in local, synchronized and exact mode.
 */
final class BatchNormKernel implements Kernel {
    /** Whether the fused kernel's element-wise passes run on the Vector API ({@link BatchNormLanes}, the same bits). */
    private static final boolean VECTOR = FloatMath.vectorized();
    private final int channels;
    private final int spatial;
    private final double eps;
    private final LayerSlot slot;
    private final double[] exchange;
    /** Each channel's Σx over this worker's values from round 1, for {@link #mergeMoments} (round 2 keeps the mean). */
    private final double[] localSums;
    private final float[] invStd;
    private final float[] means;
    private float[] xhat = new float[0];
    private boolean trained;

    /** Fused with ReLU and 2×2 max pooling: the input plane's height and width, else 0. */
    private final int height;
    private final int width;
    /** Pooled values per channel, and per example. */
    private final int plane;
    private final int outStride;
    /** Fused: the plane's pooling windows ({@link MaxPool2x2#windows}). */
    private final MaxPool2x2.Windows windows;
    /** One channel's values over the batch: y in forward, x̂ in backward. */
    private float[] channelValues = new float[0];
    /** One channel's ∂L/∂y over the batch, in backward, and one slot past it: the dump slot of {@link #targets}. */
    private float[] channelGradient = new float[0];
    /**
     * Where each pooled output's gradient goes: its window's argmax, an index into the channel's scratch row, or the dump
     * slot past the rows where ReLU passes nothing ({@link MaxPool2x2#forwardPlaneRouted}).
     */
    private int[] targets = new int[0];
    /**
     * Whether {@link #targets} holds each window's target for the last forward: a training forward records them, an
     * evaluation forward does not (no backward follows one in evaluation; with batches of 1,024 they took 51 MB for a
     * 64-channel 28×28 layer), and a backward after it recomputes them ({@link #recomputeTargets}).
     */
    private boolean targetsKept;
    /** One plane's pooled values, thrown away, while {@link #recomputeTargets} recomputes the targets. */
    private float[] pooledScratch;
    /**
     * One channel's sums per example (row), then added in example order: {@link RowSums#sums} fills them four rows at a
     * time; {@link #rowProducts} holds backward's Σg·x̂ beside backward's Σg. Both grow together ({@link #growRowSums}).
     */
    private double[] rowSums = new double[0];
    private double[] rowProducts = new double[0];
    /** {@link RowSums}' scratch. */
    private final double[] sumScratch = RowSums.scratch();
    /**
     * A dense input's ({@link #rowMajor}) per-channel sums and coefficients, for passes that walk the batch row by row
     * with every channel at once.
     */
    private final double[] channelSums;
    private final double[] channelSums2;
    private final float[] channelScale;
    private final float[] channelShift;
    private final float[] channelMeanG;
    private final float[] channelMeanGx;

    /** The plain kernel, for {@code channels} channels of {@code spatial} values (1 for a dense input). */
    BatchNormKernel(int channels, int spatial, double eps, LayerSlot slot) {
        this(channels, spatial, 0, 0, eps, slot);
    }

    /** The kernel fused with ReLU and 2×2 max pooling, for {@code channels} planes of {@code height × width}. */
    static BatchNormKernel pooled(int channels, int height, int width, double eps, LayerSlot slot) {
        return new BatchNormKernel(channels, height * width, height, width, eps, slot);
    }

    private BatchNormKernel(int channels, int spatial, int height, int width, double eps, LayerSlot slot) {
        this.channels = channels;
        this.spatial = spatial;
        this.eps = eps;
        this.slot = slot;
        this.exchange = new double[2 * channels];
        this.localSums = new double[channels];
        this.invStd = new float[channels];
        this.means = new float[channels];
        this.height = height;
        this.width = width;
        this.plane = (height / 2) * (width / 2);
        this.outStride = channels * plane;
        this.windows = height > 0 ? MaxPool2x2.windows(height, width) : null;
        int perChannel = spatial == 1 ? channels : 0;
        this.channelSums = new double[perChannel];
        this.channelSums2 = new double[perChannel];
        this.channelScale = new float[perChannel];
        this.channelShift = new float[perChannel];
        this.channelMeanG = new float[perChannel];
        this.channelMeanGx = new float[perChannel];
    }

    /**
     * A dense input (one value per channel and example): every pass walks the batch row by row, each channel with its
     * own accumulator or coefficient — contiguous and vectorizable, where a channel at a time reads a column. Each
     * channel's sums still add its examples in order, by the same expressions, so the bits are a channel at a time's.
     */
    private boolean rowMajor() {
        return spatial == 1 && !pooled();
    }

    private boolean pooled() {
        return height > 0;
    }

    @Override
    public void forward(StepContext ctx, int n, float[] x, float[] y) {
        int gamma = slot.paramOffset();
        int beta = gamma + channels;
        float[] p = ctx.params;
        trained = ctx.mode == Mode.TRAIN;
        int stride = channels * spatial;
        if (pooled()) {
            if (channelValues.length < n * spatial) {
                channelValues = new float[n * spatial];
            }
            if (trained && targets.length < n * outStride) {
                targets = new int[n * outStride];
            }
            targetsKept = trained;
        } else if (trained && xhat.length < n * stride) {
            xhat = new float[n * stride];
        }
        if (!trained) {
            int mean = slot.bufferOffset();
            int var = mean + channels;
            for (int c = 0; c < channels; c++) {
                float is = (float) (1.0 / Math.sqrt(ctx.buffers[var + c] + eps));
                float scale = p[gamma + c] * is;
                float shift = p[beta + c] - ctx.buffers[mean + c] * scale;
                invStd[c] = is;
                if (rowMajor()) {
                    channelScale[c] = scale;
                    channelShift[c] = shift;
                    continue;
                }
                if (pooled()) {
                    normalizeForEvaluation(c, n, x, scale, shift);
                    poolChannel(c, n, y);
                    continue;
                }
                for (int e = 0; e < n; e++) {
                    int o = e * stride + c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        y[o + s] = x[o + s] * scale + shift;
                    }
                }
            }
            if (rowMajor()) {
                for (int e = 0; e < n; e++) {
                    int o = e * channels;
                    for (int c = 0; c < channels; c++) {
                        y[o + c] = x[o + c] * channelScale[c] + channelShift[c];
                    }
                }
            }
            return;
        }
        boolean exact = ctx.exactGrads != null;
        boolean sync = ctx.syncBatchNorm && ctx.collective.size() > 1;
        // Exact sums exchange twice (Σx, then Σ(x − μ)² about the global mean); float sums once, each worker's moments
        // about its own mean (mergeMoments).
        boolean twoRounds = sync && exact;
        if (rowMajor()) {
            sumRoundByRows(n, x, exact);
            if (twoRounds) {
                ctx.collective.allReduceSum(exchange, 0, 2 * channels);
            }
            deviationRoundByRows(n, x, exact, ctx.stats);
            if (twoRounds) {
                sumDeviations(ctx);
            } else if (sync) {
                mergeMoments(ctx);
            }
            normalizeByRows(n, x, y, p, ctx.stats);
            return;
        }
        if (!sync) {
            // Local statistics: each channel's passes run while its values are in cache.
            for (int c = 0; c < channels; c++) {
                sumRound(c, n, x, exact);
                deviationRound(c, n, x, exact, ctx.stats);
                normalize(c, n, x, y, p, ctx.stats);
            }
            return;
        }
        if (twoRounds) {
            for (int c = 0; c < channels; c++) {
                sumRound(c, n, x, exact);
            }
            ctx.collective.allReduceSum(exchange, 0, 2 * channels);
            for (int c = 0; c < channels; c++) {
                deviationRound(c, n, x, exact, ctx.stats);
            }
            sumDeviations(ctx);
        } else {
            // A channel's two local rounds while its values are in cache, then one exchange.
            for (int c = 0; c < channels; c++) {
                sumRound(c, n, x, false);
                deviationRound(c, n, x, false, ctx.stats);
            }
            mergeMoments(ctx);
        }
        for (int c = 0; c < channels; c++) {
            normalize(c, n, x, y, p, ctx.stats);
        }
    }

    /**
     * Float sums, synchronized: the workers' moments merged in one exchange. Each worker holds its count n_w, Σx, mean
     * m_w and M2_w = Σ(x − m_w)² over its own values ({@link #localSums}, {@link #exchange} and the M2 slots, from the
     * local rounds) and sends
     * {@code (n_w, n_w·m_w, M2_w + n_w·m_w²)}; over the sums n, S and Q the global batch has
     * <pre>
     *   μ = S/n,   M2 = Σ_w M2_w + Σ_w n_w (m_w − μ)² = Q − S·μ   (clamped at 0),
     * </pre>
     * Chan, Golub &amp; LeVeque's pairwise merge ({@link MomentStats}) written as sums, so that one all-reduce carries it
     * (PyTorch's SyncBatchNorm all-gathers each worker's mean and variance instead). Q − S·μ cancels the nμ² in Q, in
     * double: the variance's relative error from it, about 2⁻⁵³·(μ/σ)², stays under what rounding x to a float already
     * does to the variance (about 2⁻²³·|μ|/σ) while |μ|/σ &lt; 2³⁰. Every worker gets the same sums and so the same
     * statistics. Exact sums keep the two rounds about the global mean, whose bits do not depend on the
     * partitioning.
     */
    private void mergeMoments(StepContext ctx) {
        double[] st = ctx.stats;
        int so = slot.statsOffset();
        for (int c = 0; c < channels; c++) {
            double count = exchange[2 * c];
            double mean = exchange[2 * c + 1];
            double sum = localSums[c];
            st[so + 3 * c] = count;
            st[so + 3 * c + 1] = sum;
            st[so + 3 * c + 2] += sum * mean;
        }
        ctx.collective.allReduceSum(st, so, 3 * channels);
        for (int c = 0; c < channels; c++) {
            double count = st[so + 3 * c];
            double mean = count > 0 ? st[so + 3 * c + 1] / count : 0;
            exchange[2 * c] = count;
            exchange[2 * c + 1] = mean;
            st[so + 3 * c + 2] = Math.max(0, st[so + 3 * c + 2] - st[so + 3 * c + 1] * mean);
        }
    }

    /** Round 2's exchange: each worker's Σ(x − μ)² (in the M2 slots) summed into the global M2 (the other slots cleared). */
    private void sumDeviations(StepContext ctx) {
        double[] st = ctx.stats;
        int so = slot.statsOffset();
        for (int c = 0; c < channels; c++) {
            st[so + 3 * c] = 0;
            st[so + 3 * c + 1] = 0;
        }
        ctx.collective.allReduceSum(st, so, 3 * channels);
    }

    /** Round 1 for channel c: its count and Σx into {@link #exchange}, Σx also into {@link #localSums}. */
    private void sumRound(int c, int n, float[] x, boolean exact) {
        growRowSums(n);
        RowSums.sums(x, c * spatial, channels * spatial, n, spatial, exact, rowSums, 0, sumScratch);
        exchange[2 * c] = (double) n * spatial;
        exchange[2 * c + 1] = inExampleOrder(rowSums, n);
        localSums[c] = exchange[2 * c + 1];
    }

    /**
     * Round 2 for channel c: Σ(x − μ)² about the mean of the counts and sums in {@link #exchange} (the global ones after
     * an exchange, this worker's own before {@link #mergeMoments}) into the M2 slot; the mean replaces Σx.
     */
    private void deviationRound(int c, int n, float[] x, boolean exact, double[] stats) {
        int stride = channels * spatial;
        double count = exchange[2 * c];
        double mean = count > 0 ? exchange[2 * c + 1] / count : 0;
        growRowSums(n);
        RowSums.squaredDeviations(x, c * spatial, stride, n, spatial, mean, exact, rowSums, 0, sumScratch);
        exchange[2 * c + 1] = mean;
        stats[slot.statsOffset() + 3 * c + 2] = inExampleOrder(rowSums, n);
    }

    /** {@link #sumRound} for every channel of a dense input, row by row. */
    private void sumRoundByRows(int n, float[] x, boolean exact) {
        double[] sums = channelSums;
        java.util.Arrays.fill(sums, 0);
        for (int e = 0; e < n; e++) {
            int o = e * channels;
            if (exact) {
                ExactSum.add(sums, 0, x, o, channels);
            } else {
                for (int c = 0; c < channels; c++) {
                    sums[c] += x[o + c];
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            exchange[2 * c] = n;
            exchange[2 * c + 1] = sums[c];
            localSums[c] = sums[c];
        }
    }

    /** {@link #deviationRound} for every channel of a dense input, row by row. */
    private void deviationRoundByRows(int n, float[] x, boolean exact, double[] stats) {
        double[] mean = channelSums;
        double[] m2 = channelSums2;
        for (int c = 0; c < channels; c++) {
            double count = exchange[2 * c];
            mean[c] = count > 0 ? exchange[2 * c + 1] / count : 0;
            m2[c] = 0;
        }
        for (int e = 0; e < n; e++) {
            int o = e * channels;
            if (exact) {
                ExactSum.addSquaredDeviations(m2, x, o, mean, channels);
            } else {
                for (int c = 0; c < channels; c++) {
                    double d = x[o + c] - mean[c];
                    m2[c] += d * d;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            exchange[2 * c + 1] = mean[c];
            stats[slot.statsOffset() + 3 * c + 2] = m2[c];
        }
    }

    /** {@link #normalize} for every channel of a dense input, row by row. */
    private void normalizeByRows(int n, float[] x, float[] y, float[] p, double[] stats) {
        for (int c = 0; c < channels; c++) {
            recordStatistics(c, stats);
        }
        int gamma = slot.paramOffset();
        int beta = gamma + channels;
        for (int e = 0; e < n; e++) {
            int o = e * channels;
            for (int c = 0; c < channels; c++) {
                float h = (x[o + c] - means[c]) * invStd[c];
                xhat[o + c] = h;
                y[o + c] = p[gamma + c] * h + p[beta + c];
            }
        }
    }

    /** Channel c's count and mean into the statistics, its 1/σ and mean into {@link #invStd} and {@link #means}. */
    private void recordStatistics(int c, double[] stats) {
        int so = slot.statsOffset() + 3 * c;
        double count = exchange[2 * c];
        double mean = exchange[2 * c + 1];
        double m2 = stats[so + 2];
        stats[so] = count;
        stats[so + 1] = mean;
        double var = count > 0 ? m2 / count : 0;
        invStd[c] = (float) (1.0 / Math.sqrt(var + eps));
        means[c] = (float) mean;
    }

    /**
     * Channel c's statistics recorded and {@code y = γ x̂ + β} written, its x̂ kept; fused, y goes to the channel's
     * scratch row and is pooled from there, and x̂ is recomputed in backward.
     */
    private void normalize(int c, int n, float[] x, float[] y, float[] p, double[] stats) {
        int stride = channels * spatial;
        recordStatistics(c, stats);
        float is = invStd[c];
        float g = p[slot.paramOffset() + c];
        float b = p[slot.paramOffset() + channels + c];
        float mu = means[c];
        if (pooled()) {
            float[] v = channelValues;
            for (int e = 0; e < n; e++) {
                int xo = e * stride + c * spatial;
                int vo = e * spatial;
                int s = VECTOR ? BatchNormLanes.normalize(x, xo, v, vo, spatial, mu, is, g, b) : 0;
                for (; s < spatial; s++) {
                    float h = (x[xo + s] - mu) * is;
                    v[vo + s] = g * h + b;
                }
            }
            poolChannel(c, n, y);
            return;
        }
        for (int e = 0; e < n; e++) {
            int o = e * stride + c * spatial;
            for (int s = 0; s < spatial; s++) {
                float h = (x[o + s] - mu) * is;
                xhat[o + s] = h;
                y[o + s] = g * h + b;
            }
        }
    }

    /** Fused, evaluation: channel c's values {@code x·scale + shift} (γ/σ and β − μ·γ/σ of the running statistics) in its scratch row. */
    private void normalizeForEvaluation(int c, int n, float[] x, float scale, float shift) {
        int stride = channels * spatial;
        float[] v = channelValues;
        for (int e = 0; e < n; e++) {
            int xo = e * stride + c * spatial;
            int vo = e * spatial;
            int s = VECTOR ? BatchNormLanes.scaleAndShift(x, xo, v, vo, spatial, scale, shift) : 0;
            for (; s < spatial; s++) {
                v[vo + s] = x[xo + s] * scale + shift;
            }
        }
    }

    /**
     * Fused, a backward after an evaluation forward: channel c's targets (each window's argmax, or the dump where ReLU
     * passes nothing), recomputed by forward's expressions, ReLU's decision included, from the recomputed values rather
     * than the y the forward returned (the same bits, but for which of two different NaNs in a window a value is). Like
     * the rest of the evaluation backward, it takes γ, β and the running statistics as they are, which are forward's as
     * long as nothing updates them in between.
     */
    private void recomputeTargets(int c, int n, float[] x, float scale, float shift) {
        if (targets.length < n * outStride) {
            targets = new int[n * outStride];
        }
        if (pooledScratch == null) {
            pooledScratch = new float[plane];
        }
        normalizeForEvaluation(c, n, x, scale, shift);
        for (int e = 0; e < n; e++) {
            MaxPool2x2.forwardPlaneRouted(channelValues, e * spatial, windows, pooledScratch, 0, targets, e * outStride + c * plane, dumpSlot(n));
        }
    }

    /**
     * Fused: where in {@link #channelGradient} the gradients that ReLU stops go ({@link MaxPool2x2#forwardPlaneRouted}),
     * the slot past a batch of n rows, which no sum or copy reads.
     */
    private int dumpSlot(int n) {
        return n * spatial;
    }

    /** Fused: channel c's scratch row pooled into {@code y} and rectified, each window's target recorded when {@link #targetsKept}. */
    private void poolChannel(int c, int n, float[] y) {
        for (int e = 0; e < n; e++) {
            int out = e * outStride + c * plane;
            if (targetsKept) {
                MaxPool2x2.forwardPlaneRouted(channelValues, e * spatial, windows, y, out, targets, out, dumpSlot(n));
            } else {
                MaxPool2x2.maxPlane(channelValues, e * spatial, windows, MaxPool2x2.RELU_FLOOR, y, out);
            }
        }
    }

    @Override
    public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
        int gamma = slot.paramOffset();
        int beta = gamma + channels;
        float[] p = ctx.params;
        float[] grads = ctx.grads;
        double[] exact = ctx.exactGrads;
        int stride = channels * spatial;
        if (pooled() && channelGradient.length < dumpSlot(n) + 1) {
            channelGradient = new float[dumpSlot(n) + 1];
        }
        if (!trained) {
            int mean = slot.bufferOffset();
            for (int c = 0; c < channels; c++) {
                float is = invStd[c];
                float mu = ctx.buffers[mean + c];
                float scale = p[gamma + c] * is;
                if (pooled() && !targetsKept) {
                    recomputeTargets(c, n, x, scale, p[beta + c] - mu * scale);
                }
                float[] gs = pooled() ? routeGradient(c, n, dy) : dy;
                double sumG = 0;
                double sumGx = 0;
                for (int e = 0; e < n; e++) {
                    int o = e * stride + c * spatial;
                    int q = pooled() ? e * spatial : o;
                    for (int s = 0; s < spatial; s++) {
                        float g = gs[q + s];
                        float gx = g * (x[o + s] - mu) * is;
                        sumG += exact != null ? ExactSum.q(g) : g;
                        sumGx += exact != null ? ExactSum.q(gx) : gx;
                        if (dx != null) {
                            dx[o + s] = g * scale;
                        }
                    }
                }
                BatchNorm.addParamGrads(grads, exact, gamma + c, beta + c, sumGx, sumG);
            }
            targetsKept = pooled();
            return;
        }
        boolean sync = ctx.syncBatchNorm && ctx.collective.size() > 1;
        if (rowMajor()) {
            gradientSumsByRows(n, dy, grads, exact);
            if (dx != null) {
                if (sync) {
                    ctx.collective.allReduceSum(exchange, 0, 2 * channels);
                }
                inputGradientByRows(n, dy, dx, p, ctx.stats);
            }
            return;
        }
        boolean keepRouted = pooled() && dx != null && sync;
        for (int c = 0; c < channels; c++) {
            if (pooled()) {
                routeGradient(c, n, dy);
                recomputeNormalized(c, n, x);
            }
            gradientSums(c, n, pooled() ? channelGradient : dy, grads, exact);
            if (dx != null && !sync) {
                // Local sums: the input gradient of channel c while its values are in cache.
                inputGradient(c, n, pooled() ? channelGradient : dy, null, dx, p, ctx.stats);
            } else if (keepRouted) {
                // The routed ∂L/∂y waits in ∂L/∂x's place for the synchronized sums: copies, which measured faster than
                // routing each channel and recomputing its x̂ a second time after the exchange.
                scatter(channelGradient, c, n, dx);
            }
        }
        if (dx == null || !sync) {
            return;
        }
        ctx.collective.allReduceSum(exchange, 0, 2 * channels);
        for (int c = channels - 1; c >= 0; c--) {
            // Back from the channels still in cache. Fused, ∂L/∂x holds the routed ∂L/∂y: overwritten in place, x̂
            // recomputed from x.
            inputGradient(c, n, pooled() ? dx : dy, pooled() ? x : null, dx, p, ctx.stats);
        }
    }

    /** Channel c's scratch row copied to its place in a full {@code [n][C][spatial]} array. */
    private void scatter(float[] row, int c, int n, float[] full) {
        int stride = channels * spatial;
        for (int e = 0; e < n; e++) {
            System.arraycopy(row, e * spatial, full, e * stride + c * spatial, spatial);
        }
    }

    /**
     * Fused: channel c's ∂L/∂y (before pooling) in its scratch row: zero but at each window's maximum, where the
     * pooled gradient arrives if ReLU passes it (the pooled value's bits minus one are not negative: y &gt; 0, or a NaN
     * with a clear sign bit); a gradient ReLU stops goes to the dump slot past the row (pooling's and ReLU's backward).
     */
    private float[] routeGradient(int c, int n, float[] pooledDy) {
        java.util.Arrays.fill(channelGradient, 0, n * spatial, 0f);
        for (int e = 0; e < n; e++) {
            int out = e * outStride + c * plane;
            MaxPool2x2.routeDisjoint(pooledDy, targets, out, out + plane, channelGradient);
        }
        return channelGradient;
    }

    /** Fused: channel c's x̂ into its scratch row, by forward's expression. */
    private void recomputeNormalized(int c, int n, float[] x) {
        float mu = means[c];
        float is = invStd[c];
        int stride = channels * spatial;
        float[] v = channelValues;
        for (int e = 0; e < n; e++) {
            int xo = e * stride + c * spatial;
            int vo = e * spatial;
            int s = VECTOR ? BatchNormLanes.standardize(x, xo, v, vo, spatial, mu, is) : 0;
            for (; s < spatial; s++) {
                v[vo + s] = (x[xo + s] - mu) * is;
            }
        }
    }

    /** {@code rows[0] + rows[1] + … + rows[n − 1]}, left to right: a channel's per-example sums in example order. */
    private static double inExampleOrder(double[] rows, int n) {
        double sum = 0;
        for (int e = 0; e < n; e++) {
            sum += rows[e];
        }
        return sum;
    }

    /** {@link #rowSums} and {@link #rowProducts} for at least {@code n} rows. */
    private void growRowSums(int n) {
        if (rowSums.length < n) {
            rowSums = new double[n];
            rowProducts = new double[n];
        }
    }

    /** Where example e's values of channel c start in a gradient or x̂ array: the full layout, or the scratch row. */
    private int row(int c, int e) {
        return pooled() ? e * spatial : e * channels * spatial + c * spatial;
    }

    /**
     * Channel c's Σg and Σ g·x̂: this worker's share of ∂L/∂β and ∂L/∂γ (the driver sums the workers), kept in
     * {@link #exchange} for the input gradient.
     */
    private void gradientSums(int c, int n, float[] g, float[] grads, double[] exact) {
        float[] h = pooled() ? channelValues : xhat;
        growRowSums(n);
        int stride = pooled() ? spatial : channels * spatial;
        RowSums.sums(g, row(c, 0), stride, n, spatial, exact != null, rowSums, 0, sumScratch);
        RowSums.products(g, h, row(c, 0), stride, n, spatial, exact != null, rowProducts, 0, sumScratch);
        double sumG = inExampleOrder(rowSums, n);
        double sumGx = inExampleOrder(rowProducts, n);
        BatchNorm.addParamGrads(grads, exact, slot.paramOffset() + c, slot.paramOffset() + channels + c, sumGx, sumG);
        exchange[2 * c] = sumG;
        exchange[2 * c + 1] = sumGx;
    }

    /** {@link #gradientSums} for every channel of a dense input, row by row. */
    private void gradientSumsByRows(int n, float[] g, float[] grads, double[] exact) {
        double[] sumG = channelSums;
        double[] sumGx = channelSums2;
        java.util.Arrays.fill(sumG, 0);
        java.util.Arrays.fill(sumGx, 0);
        for (int e = 0; e < n; e++) {
            int o = e * channels;
            if (exact != null) {
                ExactSum.add(sumG, 0, g, o, channels);
                ExactSum.addProducts(sumGx, 0, g, o, xhat, o, channels);
            } else {
                for (int c = 0; c < channels; c++) {
                    sumG[c] += g[o + c];
                    sumGx[c] += g[o + c] * xhat[o + c];
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            int gamma = slot.paramOffset() + c;
            BatchNorm.addParamGrads(grads, exact, gamma, gamma + channels, sumGx[c], sumG[c]);
            exchange[2 * c] = sumG[c];
            exchange[2 * c + 1] = sumGx[c];
        }
    }

    /** {@link #inputGradient} for every channel of a dense input, row by row. */
    private void inputGradientByRows(int n, float[] g, float[] dx, float[] p, double[] stats) {
        for (int c = 0; c < channels; c++) {
            double count = stats[slot.statsOffset() + 3 * c];
            channelMeanG[c] = (float) (exchange[2 * c] / count);
            channelMeanGx[c] = (float) (exchange[2 * c + 1] / count);
            channelScale[c] = p[slot.paramOffset() + c] * invStd[c];
        }
        for (int e = 0; e < n; e++) {
            int o = e * channels;
            for (int c = 0; c < channels; c++) {
                dx[o + c] = channelScale[c] * (g[o + c] - channelMeanG[c] - xhat[o + c] * channelMeanGx[c]);
            }
        }
    }

    /**
     * {@code ∂L/∂x = γ/σ · (g − mean(g) − x̂ · mean(g x̂))} for channel c, the means over the (global) batch. Fused, g is
     * the channel's scratch row, or — with {@code x} given, synchronized — ∂L/∂x itself holding the routed ∂L/∂y,
     * overwritten in place with x̂ recomputed from x by forward's expression as it goes (the same bits as through the
     * scratch rows).
     */
    private void inputGradient(int c, int n, float[] g, float[] x, float[] dx, float[] p, double[] stats) {
        float[] h = pooled() ? channelValues : xhat;
        int stride = channels * spatial;
        double count = stats[slot.statsOffset() + 3 * c];
        float meanG = (float) (exchange[2 * c] / count);
        float meanGx = (float) (exchange[2 * c + 1] / count);
        float scale = p[slot.paramOffset() + c] * invStd[c];
        if (x != null) {
            float mu = means[c];
            float is = invStd[c];
            for (int e = 0; e < n; e++) {
                int o = e * stride + c * spatial;
                int s = VECTOR ? BatchNormLanes.inputGradientInPlace(x, dx, o, spatial, mu, is, scale, meanG, meanGx) : 0;
                for (; s < spatial; s++) {
                    float hs = (x[o + s] - mu) * is;
                    dx[o + s] = scale * (dx[o + s] - meanG - hs * meanGx);
                }
            }
            return;
        }
        if (pooled()) {
            for (int e = 0; e < n; e++) {
                int go = e * spatial;
                int o = e * stride + c * spatial;
                int s = VECTOR ? BatchNormLanes.inputGradient(g, h, go, dx, o, spatial, scale, meanG, meanGx) : 0;
                for (; s < spatial; s++) {
                    dx[o + s] = scale * (g[go + s] - meanG - h[go + s] * meanGx);
                }
            }
            return;
        }
        for (int e = 0; e < n; e++) {
            int o = e * stride + c * spatial;
            for (int s = 0; s < spatial; s++) {
                dx[o + s] = scale * (g[o + s] - meanG - h[o + s] * meanGx);
            }
        }
    }
}
