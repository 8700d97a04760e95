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
 * One Spark job per step: broadcast the parameters and buffers (destroying the broadcast after
 * the step), run every partition's slice on the executor that caches its block, collect the
 * results and add them up in partition order ({@link PartitionSums}). Costs a job launch per step (about
 * 1.5 empty Spark jobs: {@code bench steps} prints both) but needs nothing beyond Spark.
 */
final class JobStepRunner implements StepRunner {
    private final JavaSparkContext sc;
    private final JavaRDD<Block> train;
    private final String runId;
    private final BatchPlan plan;
    private final Sequential model;
    private final Loss loss;
    private final StepOptions options;
    private final PartitionSums sums;

    JobStepRunner(JavaSparkContext sc, JavaRDD<Block> train, String runId, BatchPlan plan, Sequential model, Loss loss, StepOptions options) {
        this.sc = sc;
        this.train = train;
        this.runId = runId;
        this.plan = plan;
        this.model = model;
        this.loss = loss;
        this.options = options;
        this.sums = new PartitionSums(model.paramCount(), model.statsSize(), options.exactSums(), false);
    }

    @Override
    public StepTotal step(float[] params, float[] buffers, int epoch, long stepInEpoch, long step) {
        Broadcast<StepState> state = sc.broadcast(new StepState(params, buffers));
        sc.setJobDescription("Descent: epoch " + epoch + ", step " + step);
        Sequential m = model;
        Loss l = loss;
        BatchPlan batches = plan;
        StepOptions o = options;
        String run = runId;
        try {
            List<PartitionResult> results = new ArrayList<>(train.mapPartitionsWithIndex((p, blocks) -> {
                List<PartitionResult> out = new ArrayList<>(1);
                PartitionWorker worker = ExecutorCache.get(run, p, () -> new PartitionWorker(m));
                long fetchStart = System.nanoTime();
                StepState current = state.value();
                long fetch = System.nanoTime() - fetchStart;
                while (blocks.hasNext()) {
                    PartitionResult r = worker.step(p, blocks.next(), batches, current, l, epoch, stepInEpoch, step, o);
                    out.add(r.withFetchNanos(fetch));
                }
                return out.iterator();
            }, true).collect());
            results.sort(Comparator.comparingInt(PartitionResult::partition));
            return sums.combine(results, 0);
        } finally {
            state.destroy();
        }
    }
}
