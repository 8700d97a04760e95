package org.descent.engine.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.descent.engine.EvalResult;
import org.descent.loss.Loss;
import org.descent.nn.Sequential;

/**
 * Inference on the executors: the mean loss and accuracy of a model over cached blocks, and
 * per-example predictions. The parameters travel as one broadcast per call; each partition runs
 * evaluation-mode forward passes in batches of 1,024 (batch norm uses its running statistics).
 */
public final class SparkEvaluator {
    private static final int BATCH = 1024;
    private final JavaSparkContext sc;
    private final Sequential model;
    private final Loss loss;

    public SparkEvaluator(JavaSparkContext sc, Sequential model, Loss loss) {
        this.sc = sc;
        this.model = model;
        this.loss = loss;
    }

    /** Mean loss and accuracy of the model over all blocks. */
    public EvalResult evaluate(JavaRDD<Block> data, float[] params, float[] buffers) {
        return evaluate(data, params, buffers, "evaluate");
    }

    /** As above; {@code description} names the jobs in Spark's UI. */
    public EvalResult evaluate(JavaRDD<Block> data, float[] params, float[] buffers, String description) {
        String id = UUID.randomUUID().toString();
        try {
            return evaluate(data, id, params, buffers, description);
        } finally {
            ExecutorCache.release(id);
        }
    }

    /** As above, reusing the partition workers cached under {@code workerKey} (a training run's evaluations). */
    EvalResult evaluate(JavaRDD<Block> data, String workerKey, float[] params, float[] buffers, String description) {
        Broadcast<StepState> state = sc.broadcast(new StepState(params, buffers));
        JobLabels.describe(sc, description);
        Sequential m = model;
        Loss l = loss;
        try {
            List<double[]> parts = data.mapPartitionsWithIndex((p, blocks) -> {
                PartitionWorker worker = ExecutorCache.get(workerKey + "/eval", p, () -> new PartitionWorker(m));
                List<double[]> out = new ArrayList<>(1);
                while (blocks.hasNext()) {
                    out.add(worker.evaluate(blocks.next(), state.value(), l, BATCH));
                }
                return out.iterator();
            }, true).collect();
            double lossSum = 0;
            double correct = 0;
            double count = 0;
            for (double[] r : parts) {
                lossSum += r[0];
                correct += r[1];
                count += r[2];
            }
            return new EvalResult(lossSum / Math.max(1, count), correct / Math.max(1, count), (long) count);
        } finally {
            state.destroy();
        }
    }

    /** One example's prediction: its index in the data, its label, the predicted class and the softmax of the outputs. */
    public record Prediction(long index, float label, int predicted, float[] probabilities) implements Serializable {
    }

    /**
     * Predictions for every example, numbered in partition order (block p's examples follow those
     * of blocks 0 … p−1). Lazy: nothing runs until the result is used; the broadcast stays alive
     * for that, and is cleaned up with the context.
     */
    public JavaRDD<Prediction> predict(JavaRDD<Block> data, float[] params, float[] buffers) {
        JobLabels.describe(sc, "predict");
        long[] sizes = Blocks.cache(data, org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
        long[] offsets = new long[sizes.length];
        for (int p = 1; p < sizes.length; p++) {
            offsets[p] = offsets[p - 1] + sizes[p - 1];
        }
        Broadcast<StepState> state = sc.broadcast(new StepState(params, buffers));
        Sequential m = model;
        return data.mapPartitionsWithIndex((p, blocks) -> {
            PartitionWorker worker = new PartitionWorker(m);
            List<Prediction> out = new ArrayList<>();
            long index = offsets[p];
            while (blocks.hasNext()) {
                Block b = blocks.next();
                float[] outputs = worker.outputs(b, state.value(), BATCH);
                int k = outputs.length / Math.max(1, b.size());
                for (int i = 0; i < b.size(); i++) {
                    float[] prob = new float[k];
                    float max = Float.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int c = 0; c < k; c++) {
                        float v = outputs[i * k + c];
                        if (v > max) {
                            max = v;
                            arg = c;
                        }
                    }
                    double z = 0;
                    for (int c = 0; c < k; c++) {
                        z += Math.exp(outputs[i * k + c] - max);
                    }
                    for (int c = 0; c < k; c++) {
                        prob[c] = (float) (Math.exp(outputs[i * k + c] - max) / z);
                    }
                    out.add(new Prediction(index++, b.labels()[i * b.labelWidth()], arg, prob));
                }
            }
            return out.iterator();
        }, true);
    }
}
