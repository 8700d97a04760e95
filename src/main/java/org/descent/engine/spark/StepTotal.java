package org.descent.engine.spark;

/**
 * One step's results combined over every partition, as the driver's update needs them: the gradient
 * summed over the step's examples (float32; with exact sums, the exact total rounded once), the loss
 * sum and example count, the batch-norm statistics merged over the partitions (count, mean, M2 per
 * channel; with synchronized batch norm the global batch's own), and where the time went — the
 * driver's parameter send (or job mode's slowest broadcast fetch), the slowest partition's compute and
 * its synchronized batch norm waits, and the driver's own combination of the partitions' sums.
 */
record StepTotal(float[] gradient, double lossSum, long count, double[] stats, long sendNanos, long computeNanos, long syncNanos,
                 long combineNanos) {
}
