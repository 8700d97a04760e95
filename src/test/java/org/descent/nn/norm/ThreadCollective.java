package org.descent.nn.norm;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import org.descent.nn.Collective;

/**
 * An in-process {@link Collective} for P threads (tests, and multi-threaded training on one
 * machine). Each thread uses its own {@link #worker(int)}; an all-reduce waits for all P, and
 * every worker sums the contributions in worker order 0..P−1, so all get the same, deterministic
 * result.
 */
public final class ThreadCollective {
    private final int size;
    private final double[][] posted;
    private final CyclicBarrier barrier;

    public ThreadCollective(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a collective needs at least one worker, got " + size);
        }
        this.size = size;
        this.posted = new double[size][];
        this.barrier = new CyclicBarrier(size);
    }

    /** The handle of worker {@code rank} (one thread each). */
    public Collective worker(int rank) {
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("worker " + rank + " of " + size);
        }
        return new Collective() {
            private double[] sum = new double[0];

            @Override
            public void allReduceSum(double[] values, int offset, int length) {
                if (sum.length < length) {
                    sum = new double[length];
                }
                double[] mine = new double[length];
                System.arraycopy(values, offset, mine, 0, length);
                posted[rank] = mine;
                await();
                java.util.Arrays.fill(sum, 0, length, 0);
                for (int w = 0; w < size; w++) {
                    double[] other = posted[w];
                    if (other.length != length) {
                        throw new IllegalStateException("worker " + w + " all-reduced " + other.length + " values, worker " + rank + " " + length);
                    }
                    for (int i = 0; i < length; i++) {
                        sum[i] += other[i];
                    }
                }
                await();
                System.arraycopy(sum, 0, values, offset, length);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private void await() {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in an all-reduce", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("another worker failed during an all-reduce", e);
        }
    }
}
