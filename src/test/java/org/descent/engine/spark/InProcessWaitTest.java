package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class InProcessWaitTest {
    @Test
    void takesWhatIsQueuedAlreadyInOrder() {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        queue.add("step");
        queue.add("sum");
        assertEquals("step", InProcessWait.poll(queue, 0));
        assertEquals("sum", InProcessWait.poll(queue, 1_000_000));
        assertTrue(queue.isEmpty());
    }

    @Test
    void takesWhatAnotherThreadSendsWhileItPolls() throws InterruptedException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            queue.add("result");
        });
        sender.start();
        // A bound far beyond the sender's delay: the message arrives during the polls, never after them.
        assertEquals("result", InProcessWait.poll(queue, 60_000_000_000L));
        sender.join();
    }

    @Test
    void givesUpAfterItsBoundSoThatTheCallerParks() {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        assertNull(InProcessWait.poll(queue, 0));
        long start = System.nanoTime();
        assertNull(InProcessWait.poll(queue, 200_000));
        // It polled for its whole bound before giving up (a lower bound only: the host may keep it longer).
        assertTrue(System.nanoTime() - start >= 200_000);
    }

    @Test
    void boundIsTheUsersMicrosecondsWithinZeroAndASecond() {
        assertEquals(1_000_000, InProcessWait.bound(1000));
        assertEquals(0, InProcessWait.bound(0));
        assertEquals(0, InProcessWait.bound(-5));
        assertEquals(1_000_000_000, InProcessWait.bound(Long.MAX_VALUE));
    }
}
