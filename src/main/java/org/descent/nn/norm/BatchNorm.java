package org.descent.nn.norm;

import java.util.List;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.LayerSlot;
import org.descent.nn.ParamSpec;
import org.descent.nn.layers.MaxPool2d;
import org.descent.nn.layers.ReLU;
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
 * batch over all workers, exchanged through {@code ctx.collective} (never a mean of means): with float sums in one
 * round, each worker's count, Σx and moment about its own mean merged as Chan, Golub &amp; LeVeque's pairwise formula
 * ({@link MomentStats}) written as sums; with exact sums in two rounds (count and Σx, then Σ(x − μ)² about the global
 * mean), whose bits do not depend on the partitioning. Backward all-reduces
 * {@code (Σg, Σg x̂)} as PyTorch's SyncBatchNorm, so each worker's {@code ∂L/∂x} equals plain batch
 * norm's on the concatenated batch. The statistics written are then the global ones, identical on
 * every worker. Workers may hold different numbers of examples, including none.
 *
 * <p>In exact mode ({@link org.descent.nn.StepContext#exactGrads}) every sum over values (Σx, Σ(x − μ)², Σg, Σg x̂)
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

    /**
     * After a feature map's batch norm, a ReLU and 2×2 max pooling with stride 2 run in the same kernel: each channel's
     * normalized values are pooled from a cache-sized scratch row, never written out at full size, with the bits of
     * the three layers ({@link BatchNormKernel}).
     */
    @Override
    public Kernel kernelThrough(List<Layer> next, Shape in, LayerSlot slot) {
        boolean pooledRelu = in.rank() == 3 && next.size() == 2 && next.get(0) instanceof ReLU
                && next.get(1) instanceof MaxPool2d pool && pool.size() == 2 && pool.stride() == 2;
        return pooledRelu ? BatchNormKernel.pooled(in.channels(), in.dim(1), in.dim(2), eps, slot) : null;
    }

    @Override
    public String toString() {
        return "batch_norm(eps " + eps + ", decay " + decay + ")";
    }

    /** γ and β's gradient sums, into the exact accumulator in exact mode. */
    static void addParamGrads(float[] grads, double[] exact, int gamma, int beta, double sumGx, double sumG) {
        if (exact != null) {
            exact[gamma] += sumGx;
            exact[beta] += sumG;
        } else {
            grads[gamma] += (float) sumGx;
            grads[beta] += (float) sumG;
        }
    }
}
