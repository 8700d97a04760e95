package org.descent.landscape;

/**
 * The batch-norm deck's argument for Nesterov's momentum on a quadratic (Sutskever et al. 2013, §2.1): along an
 * eigendirection of curvature λ, with learning rate ε and momentum μ, classical momentum (CM) and NAG update
 * <pre>
 *   CM:  v' = μ v − ελ θ,                θ' = θ + v'
 *   NAG: v' = μ (1 − λε) v − ελ θ,       θ' = θ + v'</pre>
 * so NAG behaves as CM with the effective momentum {@code μ(1 − λε)}: on a high-curvature direction (λε near 1) its
 * velocity is damped and it oscillates less, on a low-curvature one it is CM. Each is a linear map of (v, θ); its
 * spectral radius is the factor by which the distance to the minimum shrinks per step along that direction:
 * the eigenvalues of {@code [[m, −ελ], [m, 1 − ελ]]} with {@code m} the (effective) momentum,
 * {@code z² − (1 + m − ελ) z + m = 0}.
 */
public final class EffectiveMomentum {
    private EffectiveMomentum() {
    }

    /** NAG's effective momentum along curvature λ: {@code μ(1 − λε)} (CM's is μ). */
    public static double nesterov(double mu, double lr, double curvature) {
        return mu * (1 - curvature * lr);
    }

    /** The per-step contraction along curvature λ of momentum {@code m} (μ for CM, {@link #nesterov} for NAG). */
    public static double rate(double m, double lr, double curvature) {
        double b = 1 + m - lr * curvature;
        double disc = b * b - 4 * m;
        if (disc < 0) {
            return Math.sqrt(m);   // complex pair: |z|² = m
        }
        double root = Math.sqrt(disc);
        return Math.max(Math.abs((b + root) / 2), Math.abs((b - root) / 2));
    }
}
