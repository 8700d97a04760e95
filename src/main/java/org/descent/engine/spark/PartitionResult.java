package org.descent.engine.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * What one partition sends back for one step: its gradient sum, loss sum, example count and
 * batch-norm statistics, and how long the task spent fetching the broadcast parameters, computing, and
 * (inside the computation) waiting for synchronized batch norm's exchanges with the other partitions.
 * The gradient sum is {@code gradSum} (float32) or, in exact mode ({@code engine.reduction = exact}),
 * {@code exactGradSum} (doubles on the exact grid); the other one is null. Serialized (job mode's task
 * result) through {@link BulkArrays}, not value by value.
 */
public record PartitionResult(int partition, float[] gradSum, double[] exactGradSum, double lossSum, long count, double[] stats, long fetchNanos,
                              long computeNanos, long syncNanos) implements Serializable {

    /** The result's size as a {@link Wire} RESULT. */
    long wireBytes() {
        long gradient = exactGradSum != null ? 8L * exactGradSum.length : 4L * gradSum.length;
        return 1 + 8 + 8 + 8 + 8 + 8 + 1 + 4 + gradient + 4 + 8L * stats.length;
    }

    /** A partition with no examples in the step: zero gradients of the mode's kind. */
    static PartitionResult empty(int partition, int params, int statsSize, boolean exact) {
        return new PartitionResult(partition, exact ? null : new float[params], exact ? new double[params] : null, 0, 0, new double[statsSize], 0, 0, 0);
    }

    /** This result with the broadcast fetch (job mode) or parameter send (barrier mode) time the runner measured. */
    PartitionResult withFetchNanos(long nanos) {
        return new PartitionResult(partition, gradSum, exactGradSum, lossSum, count, stats, nanos, computeNanos, syncNanos);
    }

    private Object writeReplace() {
        return new Form(this);
    }

    /** The serialized form: the scalars, then the arrays in bulk. */
    private static final class Form implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient PartitionResult result;

        Form(PartitionResult result) {
            this.result = result;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            PartitionResult r = result;
            out.writeInt(r.partition());
            out.writeDouble(r.lossSum());
            out.writeLong(r.count());
            out.writeLong(r.fetchNanos());
            out.writeLong(r.computeNanos());
            out.writeLong(r.syncNanos());
            BulkArrays.writeFloats(out, r.gradSum());
            BulkArrays.writeDoubles(out, r.exactGradSum());
            BulkArrays.writeDoubles(out, r.stats());
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            int partition = in.readInt();
            double lossSum = in.readDouble();
            long count = in.readLong();
            long fetch = in.readLong();
            long compute = in.readLong();
            long sync = in.readLong();
            result = new PartitionResult(partition, BulkArrays.readFloats(in), BulkArrays.readDoubles(in), lossSum, count, BulkArrays.readDoubles(in),
                    fetch, compute, sync);
        }

        private Object readResolve() {
            return result;
        }
    }
}
