package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.descent.engine.BatchPlan;
import org.descent.loss.Loss;
import org.descent.nn.Sequential;

/**
 * One Spark job per step: every partition's slice runs on the executor that caches its block, and the
 * results are added up in partition order ({@link PartitionSums}). What does not change between steps
 * — the model, the loss, the batch plan, the step options — is broadcast once for the runner's life;
 * a step's parameters and buffers travel inside the job's task closure, which Spark ships to the
 * executors once per stage anyway, so a step costs one job and no broadcast of its own (about two
 * empty Spark jobs in {@code local[2]}; {@code bench steps} prints both, measured in the same run). Parameters and gradients are
 * serialized in bulk ({@link BulkArrays}): Java serialization's value-by-value float arrays cost more
 * than the job. Needs nothing beyond Spark.
 */
final class JobStepRunner implements StepRunner {
    private final JavaSparkContext sc;
    private final JavaRDD<Block> train;
    private final String runId;
    private final Broadcast<Fixed> fixed;
    private final PartitionSums sums;

    /** A run's parts that every step's tasks share. */
    record Fixed(Sequential model, Loss loss, BatchPlan plan, StepOptions options) implements java.io.Serializable {
    }

    JobStepRunner(JavaSparkContext sc, JavaRDD<Block> train, String runId, BatchPlan plan, Sequential model, Loss loss, StepOptions options) {
        this.sc = sc;
        this.train = train;
        this.runId = runId;
        this.fixed = sc.broadcast(new Fixed(model, loss, plan, options));
        this.sums = new PartitionSums(model.paramCount(), model.statsSize(), options.exactSums(), false);
    }

    @Override
    public StepTotal step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step, SegmentSink sink) {
        sc.setJobDescription("Descent: epoch " + epoch + ", step " + step);
        // Read by the tasks only; the driver changes the arrays after the job has ended.
        StepState state = new StepState(params, buffers);   // serialized in bulk with the task closure
        Broadcast<Fixed> f = fixed;
        String run = runId;
        List<PartitionResult> results = new ArrayList<>(train.mapPartitionsWithIndex((p, blocks) -> {
            List<PartitionResult> out = new ArrayList<>(1);
            Fixed run0 = f.value();
            PartitionWorker worker = ExecutorCache.get(run, p, () -> new PartitionWorker(run0.model()));
            while (blocks.hasNext()) {
                out.add(worker.step(p, blocks.next(), run0.plan(), state, run0.loss(), epoch, stepInEpoch, step, run0.options()));
            }
            return out.iterator();
        }, true).collect());
        results.sort(Comparator.comparingInt(PartitionResult::partition));
        return sums.combine(results, 0);
    }

    @Override
    public void close() {
        fixed.destroy();
    }
}
