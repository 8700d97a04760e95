package org.descent.init;

import org.descent.tensor.Rng;

/**
 * Sparse initialization (Martens 2010, as the batch-norm deck's deep-autoencoder slides use): every unit gets
 * exactly {@code min(k, fanIn)} non-zero incoming weights, at distinct random positions, drawn from
 * a unit Gaussian; all others are zero. Units then differ from one another (symmetry is broken)
 * while the scale of their input does not grow with fanIn.
 */
final class Sparse implements Initializer {
    private static final long serialVersionUID = 1L;
    private final int nonZeros;

    Sparse(int nonZeros) {
        this.nonZeros = nonZeros;
    }

    @Override
    public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
        int rows = shape.rows();
        int cols = shape.length() / rows;
        int k = Math.min(nonZeros, cols);
        int[] index = new int[cols];
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            java.util.Arrays.fill(w, base, base + cols, 0f);
            for (int i = 0; i < cols; i++) {
                index[i] = i;
            }
            // A partial Fisher–Yates shuffle picks k distinct positions.
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(cols - i);
                int t = index[i];
                index[i] = index[j];
                index[j] = t;
                w[base + index[i]] = (float) rng.nextGaussian();
            }
        }
    }

    @Override
    public String toString() {
        return "sparse(" + nonZeros + ")";
    }
}
