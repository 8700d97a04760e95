package org.descent.ml;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.descent.engine.spark.RowBlocks;
import scala.runtime.AbstractFunction1;

/**
 * The training blocks of the last DataFrame fitted, kept for the next fit on the same data. {@code CrossValidator}
 * and {@code TrainValidationSplit} fit one estimator per point of a param grid on each training split, which they
 * cache; without this every fit would read, number and cut the rows into blocks again. Blocks are kept only for a
 * DataFrame Spark has cached (its plan reads an in-memory relation), one data set at a time: a fit on other data
 * releases them, and so does {@link #release()}. A fit on data that is not cached assembles its blocks and releases
 * them at its end, as before. "The same data" is the same plan ({@code sameResult}), features and label columns,
 * partition count, label rule and validation fraction.
 */
public final class FitCache {
    /** What the blocks were made from. */
    record Key(LogicalPlan plan, String features, String label, int partitions, String labels, double validationFraction) {
        boolean matches(Key other) {
            return features.equals(other.features) && label.equals(other.label) && partitions == other.partitions && labels.equals(other.labels)
                    && validationFraction == other.validationFraction && plan.sameResult(other.plan);
        }
    }

    /** Blocks and the persisted rows they were cut from. */
    record Entry(Key key, RowBlocks.Loaded blocks, Dataset<Row> frame) {
        void unpersist() {
            blocks.train().unpersist(false);
            if (blocks.validation() != null) {
                blocks.validation().unpersist(false);
            }
            frame.unpersist(false);
        }
    }

    private static final AtomicInteger ASSEMBLED = new AtomicInteger();
    /** The entry kept for the next fit, if any. */
    private static Entry kept;
    /** Fits running on each entry (CrossValidator may run several at once); an entry is unpersisted when none is and it is not kept. */
    private static final Map<Entry, Integer> USERS = new IdentityHashMap<>();

    private FitCache() {
    }

    /** Whether Spark serves {@code dataset}, or part of it, from its cache. */
    static boolean isCached(Dataset<?> dataset) {
        LogicalPlan withCache = dataset.queryExecution().withCachedData();
        return withCache.find(new AbstractFunction1<LogicalPlan, Object>() {
            @Override
            public Object apply(LogicalPlan node) {
                return node instanceof InMemoryRelation;
            }
        }).isDefined();
    }

    /**
     * The blocks for {@code key}, for one fit, which must {@link #release(Entry)} them: the kept ones when they match;
     * else {@code assemble}'s, kept for later fits when {@code keep} (replacing the kept ones, which are unpersisted once
     * no running fit uses them). A fit that does not keep assembles outside the lock and leaves the kept entry alone.
     */
    static Entry acquire(Key key, boolean keep, Supplier<Entry> assemble) {
        if (!keep) {
            Entry assembled = assemble.get();
            ASSEMBLED.incrementAndGet();
            return new Entry(key, assembled.blocks(), assembled.frame());
        }
        synchronized (FitCache.class) {
            if (kept != null && kept.key().matches(key)) {
                USERS.merge(kept, 1, Integer::sum);
                return kept;
            }
            Entry old = kept;
            kept = null;
            if (old != null && !USERS.containsKey(old)) {
                old.unpersist();
            }
            Entry assembled = assemble.get();
            Entry made = new Entry(key, assembled.blocks(), assembled.frame());
            ASSEMBLED.incrementAndGet();
            kept = made;
            USERS.put(made, 1);
            return made;
        }
    }

    /** Ends one fit's use of {@code entry}: unpersisted when no other fit uses it and it is not kept. */
    static synchronized void release(Entry entry) {
        Integer n = USERS.get(entry);
        if (n != null && n > 1) {
            USERS.put(entry, n - 1);
            return;
        }
        USERS.remove(entry);
        if (entry != kept) {
            entry.unpersist();
        }
    }

    /** How many times fits have assembled blocks in this JVM (for tests). */
    static int assembled() {
        return ASSEMBLED.get();
    }

    /** Releases the kept blocks (the executors' memory they hold) once no running fit uses them; the next fit assembles its own. */
    public static synchronized void release() {
        if (kept != null && !USERS.containsKey(kept)) {
            kept.unpersist();
        }
        kept = null;
    }
}
