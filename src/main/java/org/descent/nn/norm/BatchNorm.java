package org.descent.nn.norm;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.Mode;
import org.descent.nn.ParamSpec;
import org.descent.nn.StepContext;
import org.descent.tensor.ExactSum;
import org.descent.tensor.RowSums;
import org.descent.tensor.Shape;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015), with the axes of the optimization deck's table: per feature for
 * a dense input {@code [F]}, per channel over N·H·W for a feature map {@code [C,H,W]}.
 *
 * <p>Training: over the m values of a channel in the batch, {@code μ = (1/m)Σx},
 * {@code σ² = (1/m)Σ(x − μ)²} (biased), {@code x̂ = (x − μ)/√(σ² + ε)}, {@code y = γx̂ + β}.
 * Backward, with {@code g = ∂L/∂y}:
 * {@code ∂L/∂x = (γ/√(σ²+ε)) (g − (1/m)Σg − x̂ (1/m)Σ g x̂)}, {@code ∂L/∂γ = Σ g x̂},
 * {@code ∂L/∂β = Σ g}.
 *
 * <p>Each training forward writes the batch's per-channel {@code (count, mean, M2)} to the step's
 * statistics; the driver merges them over partitions ({@link MomentStats}) and calls
 * {@link #updateBuffers}, which folds them into the running averages used in evaluation:
 * {@code μ_run ← (1−d)μ_run + d·μ}, {@code σ²_run ← (1−d)σ²_run + d·M2/(m−1)} (unbiased over the
 * global count, as PyTorch; d = {@code decay}, PyTorch's "momentum", 0.1 by default).
 *
 * <p>Synchronized mode ({@code ctx.syncBatchNorm}): the mean and variance are those of the global
 * batch over all workers, exchanged through {@code ctx.collective} in two exact rounds (count and
 * Σx, then Σ(x − μ)² about the global mean; never a mean of means), and backward all-reduces
 * {@code (Σg, Σg x̂)} as PyTorch's SyncBatchNorm, so each worker's {@code ∂L/∂x} equals plain batch
 * norm's on the concatenated batch. The statistics written are then the global ones, identical on
 * every worker. Workers may hold different numbers of examples, including none.
 *
 * <p>In exact mode ({@link StepContext#exactGrads}) every sum over values (Σx, Σ(x − μ)², Σg, Σg x̂)
 * adds its terms on the grid of {@link ExactSum}, so a worker's sums, and their total over workers,
 * do not depend on which examples share a worker; γ and β's gradients go to the exact accumulator.
 */
public final class BatchNorm implements Layer {
    private static final long serialVersionUID = 1L;
    private final double eps;
    private final double decay;

    public BatchNorm() {
        this(1e-5, 0.1);
    }

    public BatchNorm(double eps, double decay) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batch_norm eps must be positive, got " + eps);
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("batch_norm decay must be in (0, 1], got " + decay);
        }
        this.eps = eps;
        this.decay = decay;
    }

    @Override
    public String type() {
        return "batch_norm";
    }

    /** The ε added to the variance. */
    public double eps() {
        return eps;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 1 && in.rank() != 3) {
            throw new IllegalArgumentException("batch_norm needs a [F] or [C, H, W] input, got " + in);
        }
        return in;
    }

    @Override
    public List<ParamSpec> params(Shape in) {
        return List.of(Affine.scale(in.channels()), Affine.shift(in.channels()));
    }

    /** Running mean (C floats) then running variance (C floats). */
    @Override
    public int bufferSize(Shape in) {
        return 2 * in.channels();
    }

    @Override
    public void initBuffers(Shape in, float[] buffers, int offset) {
        java.util.Arrays.fill(buffers, offset, offset + in.channels(), 0f);
        java.util.Arrays.fill(buffers, offset + in.channels(), offset + 2 * in.channels(), 1f);
    }

    @Override
    public int statsSize(Shape in) {
        return 3 * in.channels();
    }

    @Override
    public void updateBuffers(Shape in, float[] buffers, int bufferOffset, double[] stats, int statsOffset) {
        int c = in.channels();
        for (int ch = 0; ch < c; ch++) {
            if (stats[statsOffset + 3 * ch] == 0) {
                continue;
            }
            double mean = stats[statsOffset + 3 * ch + 1];
            double var = MomentStats.unbiasedVariance(stats, statsOffset, ch);
            buffers[bufferOffset + ch] = (float) ((1 - decay) * buffers[bufferOffset + ch] + decay * mean);
            buffers[bufferOffset + c + ch] = (float) ((1 - decay) * buffers[bufferOffset + c + ch] + decay * var);
        }
    }

    /** Algorithm 2 of the BN paper: {@code E[x] ← E_B[μ_B]}, {@code Var[x] ← m/(m−1)·E_B[σ²_B]}, computed by the caller. */
    @Override
    public void assignPopulationStatistics(Shape in, float[] buffers, int bufferOffset, double[] mean, double[] variance, int channelOffset) {
        int c = in.channels();
        for (int ch = 0; ch < c; ch++) {
            buffers[bufferOffset + ch] = (float) mean[channelOffset + ch];
            buffers[bufferOffset + c + ch] = (float) variance[channelOffset + ch];
        }
    }

    @Override
    public Kernel kernel(Shape in, LayerSlot slot) {
        return new BatchNormKernel(in.channels(), in.spatial(), eps, slot);
    }

    @Override
    public String toString() {
        return "batch_norm(eps " + eps + ", decay " + decay + ")";
    }

    private static void addParamGrads(float[] grads, double[] exact, int gamma, int beta, double sumGx, double sumG) {
        if (exact != null) {
            exact[gamma] += sumGx;
            exact[beta] += sumG;
        } else {
            grads[gamma] += (float) sumGx;
            grads[beta] += (float) sumG;
        }
    }

    /** The compute, with workspaces reused across steps. */
    private static final class BatchNormKernel implements Kernel {
        private final int channels;
        private final int spatial;
        private final double eps;
        private final LayerSlot slot;
        private final double[] exchange;
        private final float[] invStd;
        private float[] xhat = new float[0];
        private boolean trained;

        BatchNormKernel(int channels, int spatial, double eps, LayerSlot slot) {
            this.channels = channels;
            this.spatial = spatial;
            this.eps = eps;
            this.slot = slot;
            this.exchange = new double[2 * channels];
            this.invStd = new float[channels];
        }

        @Override
        public void forward(StepContext ctx, int n, float[] x, float[] y) {
            int gamma = slot.paramOffset();
            int beta = gamma + channels;
            float[] p = ctx.params;
            trained = ctx.mode == Mode.TRAIN;
            int stride = channels * spatial;
            if (!trained) {
                int mean = slot.bufferOffset();
                int var = mean + channels;
                for (int c = 0; c < channels; c++) {
                    float is = (float) (1.0 / Math.sqrt(ctx.buffers[var + c] + eps));
                    float scale = p[gamma + c] * is;
                    float shift = p[beta + c] - ctx.buffers[mean + c] * scale;
                    invStd[c] = is;
                    for (int e = 0; e < n; e++) {
                        int o = e * stride + c * spatial;
                        for (int s = 0; s < spatial; s++) {
                            y[o + s] = x[o + s] * scale + shift;
                        }
                    }
                }
                return;
            }
            if (xhat.length < n * stride) {
                xhat = new float[n * stride];
            }
            boolean exact = ctx.exactGrads != null;
            if (!(ctx.syncBatchNorm && ctx.collective.size() > 1)) {
                // Local statistics: each channel's three passes run while its values are in cache (the batch's
                // activations as a whole are not).
                for (int c = 0; c < channels; c++) {
                    sumRound(c, n, x, exact);
                    deviationRound(c, n, x, exact, ctx.stats);
                    normalize(c, n, x, y, p, ctx.stats);
                }
                return;
            }
            for (int c = 0; c < channels; c++) {
                sumRound(c, n, x, exact);
            }
            ctx.collective.allReduceSum(exchange, 0, 2 * channels);
            for (int c = 0; c < channels; c++) {
                deviationRound(c, n, x, exact, ctx.stats);
            }
            double[] st = ctx.stats;
            int so = slot.statsOffset();
            // Sum each worker's Σ(x − μ)² (already in the M2 slots) into the global M2.
            for (int c = 0; c < channels; c++) {
                st[so + 3 * c] = 0;
                st[so + 3 * c + 1] = 0;
            }
            ctx.collective.allReduceSum(st, so, 3 * channels);
            for (int c = 0; c < channels; c++) {
                normalize(c, n, x, y, p, ctx.stats);
            }
        }

        /** Round 1 for channel c: its count and Σx into {@link #exchange}. */
        private void sumRound(int c, int n, float[] x, boolean exact) {
            int stride = channels * spatial;
            double sum = 0;
            for (int e = 0; e < n; e++) {
                sum += RowSums.sum(x, e * stride + c * spatial, spatial, exact);
            }
            exchange[2 * c] = (double) n * spatial;
            exchange[2 * c + 1] = sum;
        }

        /** Round 2 for channel c: Σ(x − μ)² about the (global) mean into the M2 slot; the mean replaces Σx. */
        private void deviationRound(int c, int n, float[] x, boolean exact, double[] stats) {
            int stride = channels * spatial;
            double count = exchange[2 * c];
            double mean = count > 0 ? exchange[2 * c + 1] / count : 0;
            double m2 = 0;
            for (int e = 0; e < n; e++) {
                m2 += RowSums.squaredDeviations(x, e * stride + c * spatial, spatial, mean, exact);
            }
            exchange[2 * c + 1] = mean;
            stats[slot.statsOffset() + 3 * c + 2] = m2;
        }

        /** Channel c's statistics recorded, its x̂ kept and {@code y = γ x̂ + β} written. */
        private void normalize(int c, int n, float[] x, float[] y, float[] p, double[] stats) {
            int stride = channels * spatial;
            int so = slot.statsOffset() + 3 * c;
            double count = exchange[2 * c];
            double mean = exchange[2 * c + 1];
            double m2 = stats[so + 2];
            stats[so] = count;
            stats[so + 1] = mean;
            double var = count > 0 ? m2 / count : 0;
            float is = (float) (1.0 / Math.sqrt(var + eps));
            invStd[c] = is;
            float g = p[slot.paramOffset() + c];
            float b = p[slot.paramOffset() + channels + c];
            float mu = (float) mean;
            for (int e = 0; e < n; e++) {
                int o = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    float h = (x[o + s] - mu) * is;
                    xhat[o + s] = h;
                    y[o + s] = g * h + b;
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
            if (!trained) {
                int mean = slot.bufferOffset();
                for (int c = 0; c < channels; c++) {
                    float is = invStd[c];
                    float mu = ctx.buffers[mean + c];
                    double sumG = 0;
                    double sumGx = 0;
                    float scale = p[gamma + c] * is;
                    for (int e = 0; e < n; e++) {
                        int o = e * stride + c * spatial;
                        for (int s = 0; s < spatial; s++) {
                            float g = dy[o + s];
                            float gx = g * (x[o + s] - mu) * is;
                            sumG += exact != null ? ExactSum.q(g) : g;
                            sumGx += exact != null ? ExactSum.q(gx) : gx;
                            if (dx != null) {
                                dx[o + s] = g * scale;
                            }
                        }
                    }
                    addParamGrads(grads, exact, gamma + c, beta + c, sumGx, sumG);
                }
                return;
            }
            boolean sync = ctx.syncBatchNorm && ctx.collective.size() > 1;
            for (int c = 0; c < channels; c++) {
                gradientSums(c, n, dy, grads, exact);
                if (dx != null && !sync) {
                    // Local sums: the input gradient of channel c while its values are in cache.
                    inputGradient(c, n, dy, dx, p, ctx.stats);
                }
            }
            if (dx == null || !sync) {
                return;
            }
            ctx.collective.allReduceSum(exchange, 0, 2 * channels);
            for (int c = 0; c < channels; c++) {
                inputGradient(c, n, dy, dx, p, ctx.stats);
            }
        }

        /**
         * Channel c's Σg and Σ g·x̂: this worker's share of ∂L/∂β and ∂L/∂γ (the driver sums the workers), kept in
         * {@link #exchange} for the input gradient.
         */
        private void gradientSums(int c, int n, float[] dy, float[] grads, double[] exact) {
            int stride = channels * spatial;
            double sumG = 0;
            double sumGx = 0;
            for (int e = 0; e < n; e++) {
                int o = e * stride + c * spatial;
                sumG += RowSums.sum(dy, o, spatial, exact != null);
                sumGx += RowSums.products(dy, xhat, o, spatial, exact != null);
            }
            addParamGrads(grads, exact, slot.paramOffset() + c, slot.paramOffset() + channels + c, sumGx, sumG);
            exchange[2 * c] = sumG;
            exchange[2 * c + 1] = sumGx;
        }

        /** {@code ∂L/∂x = γ/σ · (g − mean(g) − x̂ · mean(g x̂))} for channel c, the means over the (global) batch. */
        private void inputGradient(int c, int n, float[] dy, float[] dx, float[] p, double[] stats) {
            int stride = channels * spatial;
            double count = stats[slot.statsOffset() + 3 * c];
            float meanG = (float) (exchange[2 * c] / count);
            float meanGx = (float) (exchange[2 * c + 1] / count);
            float scale = p[slot.paramOffset() + c] * invStd[c];
            for (int e = 0; e < n; e++) {
                int o = e * stride + c * spatial;
                for (int s = 0; s < spatial; s++) {
                    dx[o + s] = scale * (dy[o + s] - meanG - xhat[o + s] * meanGx);
                }
            }
        }
    }
}
