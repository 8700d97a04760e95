package org.descent.nn;

/**
 * What one forward/backward pass works on, owned by the caller and reused across steps.
 *
 * <ul>
 *   <li>{@code params}: the flat parameter vector (read only inside layers);</li>
 *   <li>{@code grads}: same layout; backward <em>adds</em> the gradient of the <em>summed</em> loss
 *       (the caller zeroes it and divides by the global example count once);</li>
 *   <li>{@code buffers}: non-trained state such as batch-norm running mean and variance (read in
 *       {@link Mode#EVAL});</li>
 *   <li>{@code stats}: per-step batch statistics written in {@link Mode#TRAIN}, as
 *       {@code (count, mean, M2)} triples per normalized channel, for the driver to merge across
 *       partitions and fold into the running buffers;</li>
 *   <li>{@code seed}: the random seed of this step on this worker, derived from (seed, epoch, step,
 *       partition); layers derive their own stream from it and their index;</li>
 *   <li>{@code arriving}: when set, the parameters are still arriving and forward waits for each layer's
 *       ({@link ParamsArriving});</li>
 *   <li>{@code progress}: when set, backward reports after each layer from which index on the
 *       gradient is final ({@link GradientProgress});</li>
 *   <li>{@code collective}: sums across workers for synchronized batch norm;</li>
 *   <li>{@code share}: when set, kernels may let idle workers of the JVM run some of their blocks
 *       ({@link WorkShare});</li>
 *   <li>{@code exactGrads}: when set, the step runs in exact mode ({@code engine.reduction = exact}):
 *       backward adds every example's gradient contribution, rounded to the grid of
 *       {@link org.descent.tensor.ExactSum}, into this double array instead of {@code grads};
 *       batch-norm sums are taken on the same grid, and matrix products give each example's rows the value
 *       they would have alone ({@link org.descent.tensor.FixedOrderProduct}, or one BLAS call per example).
 *       Every number a worker sends is then a sum that does not depend on which examples share a
 *       partition, so runs over any number of partitions give the same bits.</li>
 * </ul>
 */
public final class StepContext {
    public float[] params;
    public float[] grads;
    public float[] buffers;
    public double[] stats;
    public Mode mode = Mode.TRAIN;
    public long seed;
    public Collective collective = Collective.LOCAL;
    /** Batch-norm statistics: {@code true} synchronizes them through {@link #collective}. */
    public boolean syncBatchNorm;
    /** Exact mode's gradient accumulator (same layout as {@code grads}), or null. */
    public double[] exactGrads;
    /** When set, forward waits before each layer for that layer's parameters to arrive ({@link ParamsArriving}). */
    public ParamsArriving arriving;
    /** Told after each layer's backward how far the gradient is final ({@link GradientProgress}), or null. */
    public GradientProgress progress;
    /**
     * This worker's part in its JVM's {@link WorkShare}, or null: kernels may then open their block loops to the other
     * workers (the same bits either way).
     */
    public WorkShare.Member share;

    public StepContext() {
    }

    public StepContext(float[] params, float[] grads, float[] buffers, double[] stats) {
        this.params = params;
        this.grads = grads;
        this.buffers = buffers;
        this.stats = stats;
    }
}
