package org.descent.engine.spark;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * What Spark's UI and history server show of a run: every job of the run is in the job group named after the
 * run, and each job's description says what it does, {@code descent <run>: epoch 3, step 940} or
 * {@code descent <run>: evaluate test after epoch 3}. The run's name travels as a local property of the
 * driver thread (Spark copies local properties into the threads that thread starts), so the engine's
 * classes label their jobs without being handed the name.
 */
public final class JobLabels {
    /** The local property holding the run's name. */
    static final String RUN = "descent.run";

    private JobLabels() {
    }

    /** Names the jobs the calling thread starts from now on: job group {@code run}, descriptions prefixed {@code descent <run>:}. */
    public static void begin(JavaSparkContext sc, String run) {
        sc.setLocalProperty(RUN, run);
        sc.setJobGroup(run, "descent " + run, false);
    }

    /**
     * Prefixes the calling thread's job descriptions with {@code descent <run>:} without touching its job group (a Spark ML
     * fit: the group is the caller's); returns the previous name, for {@link #restore}.
     */
    public static String within(JavaSparkContext sc, String run) {
        String previous = sc.getLocalProperty(RUN);
        sc.setLocalProperty(RUN, run);
        return previous;
    }

    /** Puts back the name {@link #within} replaced. */
    public static void restore(JavaSparkContext sc, String previous) {
        sc.setLocalProperty(RUN, previous);
    }

    /** The description of the next jobs of the calling thread: {@code descent <run>: <what>} ({@code descent: <what>} outside a run). */
    public static void describe(JavaSparkContext sc, String what) {
        sc.setJobDescription(label(sc.getLocalProperty(RUN), what));
    }

    /** The run's name set by {@link #begin} on this thread, or null. */
    static String run(JavaSparkContext sc) {
        return sc.getLocalProperty(RUN);
    }

    static String label(String run, String what) {
        return (run == null ? "descent" : "descent " + run) + ": " + what;
    }
}
