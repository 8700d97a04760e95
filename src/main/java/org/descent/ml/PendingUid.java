package org.descent.ml;

import java.util.Objects;

/**
 * Gives a stage its uid while its Scala superclass constructor runs.
 *
 * <p>Spark's shared params ({@code featuresCol}, {@code labelCol}, …) are created inside the
 * superclass constructor and ask the stage for {@code uid()} there. A Scala class assigns its
 * {@code uid} constructor argument before that call; a Java class cannot assign a field before
 * {@code super()}. So each stage constructor first parks the uid here (for the current thread) and
 * {@code uid()} claims it on its first call; after {@code super()} the constructor
 * {@linkplain #settle settles} the field from this object, which does not depend on the thread.
 */
final class PendingUid {
    private static final ThreadLocal<String> PARKED = new ThreadLocal<>();
    private final String uid;

    private PendingUid(String uid) {
        this.uid = uid;
    }

    /** Parks {@code uid} for the constructor about to run on this thread. */
    static PendingUid park(String uid) {
        Objects.requireNonNull(uid, "uid");
        PARKED.set(uid);
        return new PendingUid(uid);
    }

    /** The parked uid, for a {@code uid()} called while the superclass constructor runs. */
    static String claim() {
        String uid = PARKED.get();
        if (uid == null) {
            throw new IllegalStateException("uid() was called during construction without a parked uid");
        }
        return uid;
    }

    /**
     * After {@code super()}: forgets the parked uid and returns the one the stage keeps.
     *
     * @param claimed what {@code uid()} returned during {@code super()} (null if it was not called)
     */
    String settle(String claimed) {
        PARKED.remove();
        if (claimed != null && !claimed.equals(uid)) {
            throw new IllegalStateException("the superclass constructor saw uid " + claimed + ", the stage was given " + uid);
        }
        return uid;
    }
}
