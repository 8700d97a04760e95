package org.descent.nn;

/**
 * Sums values across the workers that share one training step. Synchronized batch norm is its only
 * user inside a model: layers ask the collective and never know whether it is Spark, threads, or
 * nothing. Every worker must call it the same number of times with the same lengths.
 */
public interface Collective {
    /** A single worker: sums are the local values. */
    Collective LOCAL = new Collective() {
        @Override
        public void allReduceSum(double[] values, int offset, int length) {
        }

        @Override
        public int size() {
            return 1;
        }
    };

    /** Replaces {@code values[offset, offset+length)} with the element-wise sum over all workers. */
    void allReduceSum(double[] values, int offset, int length);

    /** Number of workers. */
    int size();
}
