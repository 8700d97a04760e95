package org.descent.init;

import org.descent.tensor.Rng;

/**
 * Orthogonal initialization (Saxe, McClelland &amp; Ganguli 2014): a Gaussian matrix of
 * {@code rows × fanIn} is orthonormalized by modified Gram–Schmidt along its shorter side (rows
 * when rows ≤ fanIn, columns otherwise) and scaled by {@code gain}; so {@code W Wᵀ = gain² I} or
 * {@code Wᵀ W = gain² I}. Gram–Schmidt on Gaussian vectors gives the Haar-distributed result that
 * QR with a sign fix gives.
 */
final class Orthogonal implements Initializer {
    private static final long serialVersionUID = 1L;
    private final double gain;

    Orthogonal(double gain) {
        this.gain = gain;
    }

    @Override
    public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
        int rows = shape.rows();
        int cols = shape.length() / rows;
        boolean byRows = rows <= cols;
        int vectors = byRows ? rows : cols;
        int dim = byRows ? cols : rows;
        double[][] q = new double[vectors][dim];
        for (int v = 0; v < vectors; v++) {
            for (int i = 0; i < dim; i++) {
                q[v][i] = rng.nextGaussian();
            }
            for (int u = 0; u < v; u++) {
                double dot = 0;
                for (int i = 0; i < dim; i++) {
                    dot += q[v][i] * q[u][i];
                }
                for (int i = 0; i < dim; i++) {
                    q[v][i] -= dot * q[u][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                norm += q[v][i] * q[v][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dim; i++) {
                q[v][i] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double value = byRows ? q[r][c] : q[c][r];
                w[offset + r * cols + c] = (float) (gain * value);
            }
        }
    }

    @Override
    public String toString() {
        return "orthogonal(" + gain + ")";
    }
}
