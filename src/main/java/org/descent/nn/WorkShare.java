package org.descent.nn;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Loops of independent chunks that the other workers of a JVM may take part in while they would otherwise wait. With
 * synchronized batch norm the tasks of a step meet at every exchange, and on a shared host one of them is often slower
 * for a whole step (fashion-cnn in {@code local[2]}: 10 of 80 ms per step were the faster task waiting); a task that
 * reaches an exchange first {@link Member#help helps} with whatever loop another task has {@link Member#run open} —
 * a convolution's blocks — and waits only for what is left.
 *
 * <p>Each chunk runs once, in whichever worker claims it, on the owner's inputs and outputs and the running worker's
 * own scratch ({@link Member#scratch}); so a loop whose chunks write disjoint outputs, or add in an order the loop
 * enforces, gives the same bits however its chunks are shared. A loop runs whole in its owner's thread when no other
 * worker is idle. Plain Java: the engine gives each worker a {@link Member} ({@link StepContext#share}) and calls
 * {@code help} before it blocks in an exchange.
 */
public final class WorkShare {
    /** The loops open in this JVM: a member helps with any of them (a chunk carries everything it needs). */
    private static final CopyOnWriteArrayList<Loop> OPEN = new CopyOnWriteArrayList<>();
    /** Chunks run by a worker other than their loop's owner, in this JVM so far. */
    private static final java.util.concurrent.atomic.AtomicLong HELPED = new java.util.concurrent.atomic.AtomicLong();

    private WorkShare() {
    }

    /** How many chunks workers have run in other workers' loops in this JVM so far. */
    public static long chunksHelped() {
        return HELPED.get();
    }

    /** A loop's body: chunk {@code chunk} of it, run by {@code worker} (whose scratch it uses). */
    @FunctionalInterface
    public interface Chunks {
        void run(int chunk, Member worker);
    }

    /** One worker's side: its scratch, and the calls to open a loop or help with others'. */
    public static final class Member {
        private final Map<Object, Object> scratch = new HashMap<>();
        /** Chunks this worker ran in other workers' loops. */
        private long helped;

        /**
         * This worker's scratch for {@code key} (a kernel's shape: equal keys share it), made by {@code make} the first
         * time. Only the worker's own thread calls it: a chunk runs in the thread of the member it is given.
         */
        @SuppressWarnings("unchecked")
        public <T> T scratch(Object key, Supplier<T> make) {
            Object s = scratch.get(key);
            if (s == null) {
                s = make.get();
                scratch.put(key, s);
            }
            return (T) s;
        }

        /**
         * Runs chunks {@code 0 … count − 1}, each once, here or in helping workers, and returns when all are done; the
         * first failure of any chunk is thrown here, once the chunks begun have ended (those not begun are skipped).
         */
        public void run(int count, Chunks body) {
            Loop loop = new Loop(body, count);
            OPEN.add(loop);
            try {
                loop.work(this);
            } finally {
                OPEN.remove(loop);
            }
            loop.awaitDone();
        }

        /** Takes part in the loops other workers have open when it is called, until none of them has a chunk left to claim. */
        public void help() {
            if (OPEN.isEmpty()) {
                return;
            }
            for (Loop loop : OPEN) {
                int ran = loop.work(this);
                helped += ran;
                HELPED.addAndGet(ran);
            }
        }

        /** How many chunks of other workers' loops this worker has run (a chunk skipped after a failure not counted). */
        public long helped() {
            return helped;
        }
    }

    /** An open loop: chunks are claimed in order; the owner waits for every claimed one to finish. */
    private static final class Loop {
        private final Chunks body;
        private final int count;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Loop(Chunks body, int count) {
            this.body = body;
            this.count = count;
        }

        /** Claims and runs chunks until none is left (a chunk claimed after a failure is skipped); returns how many this call ran. */
        int work(Member worker) {
            int ran = 0;
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failure == null) {
                        ran++;
                        body.run(i, worker);
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
            return ran;
        }

        /** Waits for every claimed chunk to end (spinning, then yielding the core to the threads that run them). */
        void awaitDone() {
            for (int spins = 0; done.get() < count; spins++) {
                pause(spins);
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /**
     * Spins a while, then yields: a waiter must not keep the core from the thread it waits for when the tasks outnumber
     * the cores.
     */
    private static void pause(int spins) {
        if (spins < 1 << 12) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * A turn counter for chunks that must add into one sum in chunk order (a weight gradient over blocks): chunk i waits
     * until chunks 0 … i − 1 have added theirs. Chunks are claimed in order, so the wait ends as long as every chunk
     * passes its turn (in a {@code finally}) or, when one fails, {@link #abort}s the loop's turns: a chunk skipped after
     * the failure never takes its turn, and the chunks waiting then stop with an exception.
     */
    public static final class Turns {
        private final AtomicInteger turn = new AtomicInteger();
        private volatile boolean aborted;

        /** Waits until it is chunk {@code chunk}'s turn; throws if a chunk of the loop has failed. */
        public void await(int chunk) {
            for (int spins = 0; turn.get() != chunk; spins++) {
                if (aborted) {
                    throw new IllegalStateException("chunk " + chunk + " stopped waiting for its turn: an earlier chunk failed");
                }
                pause(spins);
            }
        }

        /** A chunk has failed: chunks waiting for their turn stop. */
        public void abort() {
            aborted = true;
        }

        /** Chunk {@code chunk} has added its share: the next one's turn. */
        public void pass(int chunk) {
            turn.set(chunk + 1);
        }
    }
}
