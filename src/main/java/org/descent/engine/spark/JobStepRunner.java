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
        JobLabels.describe(sc, "epoch " + epoch + ", step " + step);
        // Read by the tasks only; the driver changes the arrays after the job has ended.
        StepState state = new StepState(params, buffers);   // serialized in bulk with the task closure
        Broadcast<Fixed> f = fixed;
        String run = runId;
        // The step's RDD is made directly, not through mapPartitionsWithIndex, whose closure cleaning serializes the
        // closure (the step's parameters with it) once more only to check that it can, and reads class files with ASM
        // (a third of the driver's samples in a profile of job mode). The task is a plain serializable class: nothing to clean.
        org.apache.spark.rdd.RDD<PartitionResult> step0 = new org.apache.spark.rdd.MapPartitionsRDD<>(train.rdd(),
                new StepTask(fixed, runId, state, epoch, stepInEpoch, step), true, false, false,
                scala.reflect.ClassTag$.MODULE$.apply(PartitionResult.class), train.classTag());
        // Collected with a function that does not capture the RDD (collect()'s does, for the element's ClassTag, so Spark's
        // serializability check serializes the RDD and the step's parameters in it once more).
        PartitionResult[][] perPartition = (PartitionResult[][]) sc.sc().runJob(step0, new Collect(),
                scala.reflect.ClassTag$.MODULE$.apply(PartitionResult[].class));
        List<PartitionResult> results = new ArrayList<>();
        for (PartitionResult[] r : perPartition) {
            results.addAll(java.util.Arrays.asList(r));
        }
        results.sort(Comparator.comparingInt(PartitionResult::partition));
        return sums.combine(results, 0);
    }

    @Override
    public void close() {
        fixed.destroy();
    }

    /** A partition's results as an array: a function of the iterator alone, which Spark's closure check serializes in a few bytes. */
    private static final class Collect extends scala.runtime.AbstractFunction1<scala.collection.Iterator<PartitionResult>, PartitionResult[]>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public PartitionResult[] apply(scala.collection.Iterator<PartitionResult> results) {
            List<PartitionResult> out = new ArrayList<>(1);
            while (results.hasNext()) {
                out.add(results.next());
            }
            return out.toArray(new PartitionResult[0]);
        }
    }

    /** One step on a partition: its slice's forward and backward on the executor that caches its block. */
    private static final class StepTask extends scala.runtime.AbstractFunction3<org.apache.spark.TaskContext, Object, scala.collection.Iterator<Block>,
            scala.collection.Iterator<PartitionResult>> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Fixed> fixed;
        private final String runId;
        private final StepState state;
        private final int epoch;
        private final long stepInEpoch;
        private final long step;

        StepTask(Broadcast<Fixed> fixed, String runId, StepState state, int epoch, long stepInEpoch, long step) {
            this.fixed = fixed;
            this.runId = runId;
            this.state = state;
            this.epoch = epoch;
            this.stepInEpoch = stepInEpoch;
            this.step = step;
        }

        @Override
        public scala.collection.Iterator<PartitionResult> apply(org.apache.spark.TaskContext context, Object partition,
                                                               scala.collection.Iterator<Block> blocks) {
            int p = (Integer) partition;
            List<PartitionResult> out = new ArrayList<>(1);
            Fixed run = fixed.value();
            PartitionWorker worker = ExecutorCache.get(runId, p, () -> new PartitionWorker(run.model()));
            while (blocks.hasNext()) {
                out.add(worker.step(p, blocks.next(), run.plan(), state, run.loss(), epoch, stepInEpoch, step, run.options()));
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(out.iterator());
        }
    }
}
