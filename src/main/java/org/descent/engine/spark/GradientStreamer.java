package org.descent.engine.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.descent.nn.GradientProgress;
import org.descent.nn.StepContext;

/**
 * Overlaps a task's gradient upload with its backward pass ({@code engine.overlap}), as the buckets of
 * PyTorch's DistributedDataParallel do: backward finishes the last layers first ({@link GradientProgress}),
 * and every segment of {@link Wire#SEGMENT_VALUES} values that is final leaves at once as a
 * {@code GRADIENT} message, the last segment first, while the earlier layers are still computing. The
 * receiver reads each segment into place ({@link GradientSegments}) and the task's {@code RESULT}
 * then only says the gradient was sent, so the sums — and so the weights — are those of the
 * non-overlapped path, bit for bit. A tree's root rounds an exact sum to float32 segment by segment,
 * as it would the whole. One streamer serves a task's steps ({@link #begin} each).
 */
final class GradientStreamer implements GradientProgress {
    private final TcpDriverLink up;
    private final boolean roundExact;
    private long step;
    private int next;
    private boolean started;
    private int sentFrom;

    /** Streams up {@code up}; with {@code roundExact} an exact gradient is sent as float32 (the tree's root, whose receiver is the driver). */
    GradientStreamer(TcpDriverLink up, boolean roundExact) {
        this.up = up;
        this.roundExact = roundExact;
    }

    /** Starts step {@code step}: nothing of its gradient is sent yet. */
    GradientStreamer begin(long step) {
        this.step = step;
        this.started = false;
        this.sentFrom = Integer.MAX_VALUE;
        return this;
    }

    /** True when this step's whole gradient has been sent (backward ran to its end). */
    boolean sentAll() {
        return started && next < 0;
    }

    /** The lowest index sent so far in this step: the gradient is sent from here on ({@link Integer#MAX_VALUE} before anything went). */
    int sentFrom() {
        return sentFrom;
    }

    /** The kind of gradient the step's {@code RESULT} announces as sent. */
    byte sentKind(boolean exact) {
        return exact && !roundExact ? Wire.EXACT_GRADIENTS_SENT : Wire.FLOAT_GRADIENTS_SENT;
    }

    @Override
    public void ready(StepContext ctx, int offset) {
        int total = ctx.exactGrads != null ? ctx.exactGrads.length : ctx.grads.length;
        if (!started) {
            next = Wire.segments(total) - 1;
            started = true;
        }
        boolean sent = false;
        try {
            for (; next >= 0 && Wire.segmentStart(next) >= offset; next--) {
                int from = Wire.segmentStart(next);
                int length = Wire.segmentLength(total, next);
                up.sendGradientSegment(step, ctx.grads, ctx.exactGrads, roundExact, total, from, length);
                sent = true;
                sentFrom = from;
            }
            if (sent) {
                up.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sending step " + step + "'s gradient failed: " + e.getMessage(), e);
        }
    }
}
