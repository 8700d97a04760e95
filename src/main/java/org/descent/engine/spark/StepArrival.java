package org.descent.engine.spark;

import java.io.IOException;
import org.descent.nn.ParamsArriving;

/**
 * A step's parameters as a background reader receives them ({@code engine.overlap}): the reader
 * publishes how many values are in place after every chunk, and forward waits for each layer's
 * ({@link ParamsArriving}) instead of for the whole message. The buffers (running statistics, which
 * training-mode forward does not read) follow the parameters; the step is whole when the reader is done.
 * The reader wakes the waiting forward only once what it waits for is in, not at every chunk.
 */
final class StepArrival implements ParamsArriving {
    private int arrived;
    private int awaited = Integer.MAX_VALUE;
    private boolean done;
    private IOException failure;

    synchronized void arrived(int values) {
        arrived = values;
        if (values >= awaited) {   // the nearest target of the waiters (a leader and its in-process children share an arrival)
            awaited = Integer.MAX_VALUE;
            notifyAll();   // every waiter rechecks; those still short set their target again
        }
    }

    synchronized void complete() {
        done = true;
        notifyAll();
    }

    synchronized void fail(IOException e) {
        failure = e;
        done = true;
        notifyAll();
    }

    @Override
    public synchronized void awaitThrough(int end) {
        try {
            while (arrived < end && !done) {
                awaited = Math.min(awaited, end);
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the step's parameters arrived", e);
        }
        if (failure != null) {
            throw new java.io.UncheckedIOException("receiving the step's parameters failed: " + failure.getMessage(), failure);
        }
    }

    /** Waits until the whole message is in; throws what the reader met. */
    synchronized void awaitAll() throws IOException, InterruptedException {
        while (!done) {
            wait();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
