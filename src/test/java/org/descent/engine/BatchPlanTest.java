package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    /** Step s's global batch as global example numbers, partition by partition (each in its slice order). */
    private static List<Integer> batch(BatchPlan plan, long epoch, long s) {
        List<Integer> out = new ArrayList<>();
        long offset = 0;
        for (int p = 0; p < plan.partitions(); p++) {
            int[] order = plan.permutation(p, epoch);
            int from = (int) plan.sliceStart(p, epoch, s);
            for (int i = 0; i < plan.sliceLength(p, epoch, s); i++) {
                out.add((int) offset + order[from + i]);
            }
            offset += plan.partitionSize(p);
        }
        return out;
    }

    private static void everyExampleExactlyOnce(BatchPlan plan, long epoch, int total, int batchSize) {
        List<Integer> all = new ArrayList<>();
        for (long s = 0; s < plan.stepsPerEpoch(); s++) {
            List<Integer> b = batch(plan, epoch, s);
            if (plan.shuffle() == BatchPlan.Shuffle.GLOBAL) {
                assertEquals(s + 1 < plan.stepsPerEpoch() ? batchSize : total - s * batchSize, b.size(), "step " + s);
            } else {
                int expected = (int) Math.min(batchSize, total - s * batchSize);
                assertTrue(b.size() >= 1 && b.size() <= expected + plan.partitions() && b.size() > expected - plan.partitions(), "step " + s + ": " + b.size());
            }
            all.addAll(b);
        }
        assertEquals(total, all.size());
        assertEquals(total, new TreeSet<>(all).size());
    }

    @Test
    void bothWalksUseEveryExampleOncePerEpoch() {
        for (BatchPlan.Shuffle shuffle : BatchPlan.Shuffle.values()) {
            for (long[] sizes : new long[][] {{1000}, {400, 600}, {300, 0, 700}}) {
                BatchPlan plan = new BatchPlan(sizes, 64, false, 5, shuffle);
                assertEquals(16, plan.stepsPerEpoch());
                for (long epoch = 0; epoch < 3; epoch++) {
                    everyExampleExactlyOnce(plan, epoch, 1000, 64);
                }
            }
        }
    }

    @Test
    void thePartitionWalkSplitsEachBatchInProportionToPartitionSizes() {
        BatchPlan plan = new BatchPlan(new long[] {400, 600}, 100, false, 5);
        for (long s = 0; s < 10; s++) {
            assertEquals(40, plan.sliceLength(0, 0, s));
            assertEquals(60, plan.sliceLength(1, 0, s));
        }
        assertNotEquals(batch(plan, 0, 0), batch(plan, 1, 0), "a new permutation every epoch");
    }

    /** The global walk's batches are the same example sets whatever the partitioning. */
    @Test
    void theGlobalWalkDoesNotDependOnThePartitioning() {
        BatchPlan one = new BatchPlan(new long[] {1000}, 64, false, 5, BatchPlan.Shuffle.GLOBAL);
        for (long[] sizes : new long[][] {{400, 600}, {300, 0, 700}, {1, 998, 1}}) {
            BatchPlan split = new BatchPlan(sizes, 64, false, 5, BatchPlan.Shuffle.GLOBAL);
            for (long epoch = 0; epoch < 2; epoch++) {
                for (long s = 0; s < one.stepsPerEpoch(); s++) {
                    assertEquals(new TreeSet<>(batch(one, epoch, s)), new TreeSet<>(batch(split, epoch, s)), "epoch " + epoch + " step " + s);
                }
            }
        }
        assertNotEquals(batch(one, 0, 0), batch(one, 1, 0));
        assertNotEquals(batch(one, 0, 0), batch(new BatchPlan(new long[] {1000}, 64, false, 6, BatchPlan.Shuffle.GLOBAL), 0, 0));
    }

    @Test
    void dropLastAndTheSeedsRegimes() {
        for (BatchPlan.Shuffle shuffle : BatchPlan.Shuffle.values()) {
            assertEquals(15, new BatchPlan(new long[] {400, 600}, 64, true, 5, shuffle).stepsPerEpoch());
            BatchPlan batchRegime = new BatchPlan(new long[] {400, 600}, 5000, false, 5, shuffle);
            assertEquals(1, batchRegime.stepsPerEpoch());
            assertEquals(1000, batch(batchRegime, 0, 0).size());
        }
        BatchPlan stochastic = new BatchPlan(new long[] {400, 600}, 1, false, 5, BatchPlan.Shuffle.GLOBAL);
        assertEquals(1000, stochastic.stepsPerEpoch());
        everyExampleExactlyOnce(stochastic, 0, 1000, 1);
        assertEquals(1, stochastic.activePartitions(0, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {400, 600}, 1, false, 5));
        assertTrue(e.getMessage().contains("training.shuffle = global"), e.getMessage());
        assertEquals(1000, new BatchPlan(new long[] {1000, 0}, 1, false, 5).stepsPerEpoch(), "one non-empty partition takes B = 1");
    }

    @Test
    void aPlanIsAPureFunctionOfItsArguments() {
        BatchPlan a = new BatchPlan(new long[] {300, 0, 700}, 64, false, 5, BatchPlan.Shuffle.GLOBAL);
        BatchPlan b = new BatchPlan(new long[] {300, 0, 700}, 64, false, 5, BatchPlan.Shuffle.GLOBAL);
        for (int p = 0; p < 3; p++) {
            assertArrayEquals(a.permutation(p, 2), b.permutation(p, 2));
        }
        assertTrue(a.activePartitions(0, 0) == 2);
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {0, 0}, 64, false, 5));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {10}, 0, false, 5));
    }
}
