/**
 * The Spark engine: training data cached on the executors as one float32 {@link org.descent.engine.spark.Block}
 * per partition, and {@link org.descent.engine.spark.SparkTrainer}, which runs every step's
 * partition halves either as one Spark job ({@link org.descent.engine.spark.JobStepRunner}) or
 * inside a long barrier stage talking to the driver's token-authenticated TCP step service
 * ({@link org.descent.engine.spark.BarrierStepRunner}, {@link org.descent.engine.spark.StepService},
 * {@link org.descent.engine.spark.BarrierTask}; tasks in the driver's JVM link in process,
 * {@link org.descent.engine.spark.DriverLink}), then combines them in partition order and applies
 * the optimizer on the driver. Around it: checkpoints, evaluation and prediction on the executors,
 * and full reshuffles. The {@code train} command's run (configuration, report, run directory) is
 * {@code org.descent.app}'s, above this package.
 */
package org.descent.engine.spark;
