package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link WorkShare} with a real second thread helping: every chunk once, a chunk's failure at the owner, turns in order. */
class WorkShareTest {
    /** A thread that helps with open loops until stopped; returns it started. */
    private static Thread helper(WorkShare.Member member, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                member.help();
                Thread.onSpinWait();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Busy for {@code nanos}: a chunk's work. */
    private static void work(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyChunkRunsOnceAndTurnsAddInChunkOrder() throws InterruptedException {
        WorkShare.Member owner = new WorkShare.Member();
        WorkShare.Member other = new WorkShare.Member();
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = helper(other, stop);
        try {
            for (int round = 0; round < 200 && other.helped() == 0; round++) {
                int count = 64;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                int[] order = new int[count];
                int[] next = {0};
                WorkShare.Turns turns = new WorkShare.Turns();
                owner.run(count, (chunk, worker) -> {
                    runs.incrementAndGet(chunk);
                    work(20_000);   // a chunk's work, long enough for the helper to claim some
                    turns.await(chunk);
                    try {
                        order[next[0]++] = chunk;
                    } finally {
                        turns.pass(chunk);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "chunk " + i + ", round " + round);
                    assertEquals(i, order[i], "the turns' order, round " + round);
                }
            }
            assertTrue(other.helped() > 0, "the second thread took part");
        } finally {
            stop.set(true);
            t.join();
        }
    }

    @Test
    void aFailingChunkIsThrownAtTheOwnerAfterEveryClaimedChunkEnds() {
        WorkShare.Member owner = new WorkShare.Member();
        IllegalStateException boom = new IllegalStateException("chunk 3");
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> owner.run(8, (chunk, worker) -> {
            runs.incrementAndGet(chunk);
            if (chunk == 3) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
        assertEquals(1, runs.get(3));
        assertEquals(0, runs.get(4), "after a failure the remaining chunks are skipped");
        owner.run(2, (chunk, worker) -> runs.incrementAndGet(chunk));   // the failed loop is closed: no one helps with it
        assertEquals(2, runs.get(0));
    }

    /**
     * A chunk that fails before its turn aborts the turns: the chunks waiting behind it stop instead of spinning forever,
     * and the owner throws once every claimed chunk has ended.
     */
    @Test
    void aFailureBeforeItsTurnReleasesTheChunksWaitingBehindIt() throws InterruptedException {
        WorkShare.Member owner = new WorkShare.Member();
        WorkShare.Member other = new WorkShare.Member();
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = helper(other, stop);
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                for (int round = 0; round < 20; round++) {
                    WorkShare.Turns turns = new WorkShare.Turns();
                    assertThrows(RuntimeException.class, () -> owner.run(32, (chunk, worker) -> {
                        work(10_000);
                        if (chunk == 5) {
                            turns.abort();
                            throw new IllegalStateException("chunk 5");
                        }
                        turns.await(chunk);
                        turns.pass(chunk);
                    }));
                }
            });
        } finally {
            stop.set(true);
            t.join();
        }
    }

    @Test
    void scratchIsPerWorkerAndPerKey() {
        WorkShare.Member a = new WorkShare.Member();
        WorkShare.Member b = new WorkShare.Member();
        float[] first = a.scratch("k", () -> new float[4]);
        assertSame(first, a.scratch("k", () -> new float[4]));
        assertTrue(first != b.scratch("k", () -> new float[4]));
        assertTrue(first != a.scratch("other", () -> new float[4]));
        assertArrayEquals(new float[4], first);
    }
}
