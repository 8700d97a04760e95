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
            return (T) scratch.computeIfAbsent(key, k -> make.get());
        }

        /**
         * Runs chunks {@code 0 … count − 1}, each once, here or in helping workers, and returns when all are done; the
         * first failure of any chunk is thrown here.
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

        /** Takes part in the open loops of other workers until none has a chunk left to claim. */
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

        /** How many chunks of other workers' loops this worker has run. */
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

        /** Claims and runs chunks until none is left; returns how many this call ran. */
        int work(Member worker) {
            int ran = 0;
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                ran++;
                try {
                    if (failure == null) {
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

        /** Waits (spinning: at most a chunk's time, on a core that would otherwise wait anyway) for every chunk. */
        void awaitDone() {
            while (done.get() < count) {
                Thread.onSpinWait();
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
     * A turn counter for chunks that must add into one sum in chunk order (a weight gradient over blocks): chunk i waits
     * until chunks 0 … i − 1 have added theirs. Chunks are claimed in order and every claimed chunk takes its turn, so
     * the wait always ends, provided each chunk passes its turn whatever happens before (in a {@code finally}).
     */
    public static final class Turns {
        private final AtomicInteger turn = new AtomicInteger();

        /** Waits until it is chunk {@code chunk}'s turn. */
        public void await(int chunk) {
            while (turn.get() != chunk) {
                Thread.onSpinWait();
            }
        }

        /** Chunk {@code chunk} has added its share: the next one's turn. */
        public void pass(int chunk) {
            turn.set(chunk + 1);
        }
    }
}
