package org.descent.engine.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per-executor state that outlives one task: a partition's network, workspaces and permutation are
 * built on its first step and reused by every later step of the same run, so steady-state steps
 * allocate only their result. Keyed by run and partition (barrier tasks add their stage attempt, so
 * a relaunched task never shares a worker with one of a failed attempt that is still finishing).
 */
final class ExecutorCache {
    private static final ConcurrentHashMap<String, Object> STATE = new ConcurrentHashMap<>();

    private ExecutorCache() {
    }

    @SuppressWarnings("unchecked")
    static <T> T get(String runId, int partition, Supplier<T> create) {
        return (T) STATE.computeIfAbsent(runId + "/" + partition, k -> create.get());
    }

    /** Forgets a run's state (the driver's run is over). */
    static void release(String runId) {
        STATE.keySet().removeIf(k -> k.startsWith(runId + "/"));
    }
}
