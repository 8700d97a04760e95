package org.descent.engine.spark;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One barrier step as the driver sends it to every task: the step's place in the run and the
 * parameters and buffers to compute it with. Over TCP it is encoded once, on first use (streamed to
 * that first receiver as it is encoded), and the same bytes go to every task; a task in the driver's
 * own JVM receives the message itself and reads the driver's arrays, which the driver leaves
 * untouched until every task has answered.
 */
final class StepMessage {
    final int epoch;
    final long stepInEpoch;
    final long step;
    final float[] params;
    final float[] buffers;
    /** Null when the arrays are whole; else they are still arriving and forward waits for each layer's parameters. */
    final StepArrival arrival;
    private final Wire wire;
    private boolean encoded;

    StepMessage(int epoch, long stepInEpoch, long step, float[] params, float[] buffers, Wire wire) {
        this(epoch, stepInEpoch, step, params, buffers, wire, null);
    }

    StepMessage(int epoch, long stepInEpoch, long step, float[] params, float[] buffers, Wire wire, StepArrival arrival) {
        this.arrival = arrival;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.step = step;
        this.params = params;
        this.buffers = buffers;
        this.wire = wire;
    }

    /** The message's size in its {@link Wire} form. */
    long wireBytes() {
        return 1 + 4 + 8 + 8 + 4 + 4L * params.length + 4 + 4L * buffers.length;
    }

    /**
     * Writes the message in its {@link Wire} form. The first call encodes it and streams the bytes
     * to its receiver chunk by chunk as they are encoded; later calls send the encoded bytes.
     */
    void writeTo(DataOutputStream out) throws IOException {
        if (!encoded) {
            wire.encodeStep(epoch, stepInEpoch, step, params, buffers, out);
            encoded = true;   // only once whole: a receiver lost mid-way leaves the next one to encode again
            return;
        }
        wire.writeStep(out);
    }
}
