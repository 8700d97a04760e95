package org.descent.nn.norm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BatchNormKernel}'s element-wise passes over one example's row of a channel on the Vector API, reading one
 * array and writing another (a strided row of x into a scratch row, a scratch row into ∂L/∂x): whole vectors only, each
 * method returning the first index it left to the scalar loop. Every lane computes the scalar loop's expression with
 * the same operations in the same order (Java rounds each; the Vector API neither fuses nor reorders), so the bits are
 * the scalar loop's. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>C2 vectorizes a scalar loop over two float arrays only when it can rule out that they alias, so the kernel used to
 * copy each row into the scratch first and compute there: a pass of its own over every channel's values (its strided
 * read from memory was the pass's cost), which these loops fold into the arithmetic. Without the Vector API
 * ({@code -Ddescent.scalarMath=true}, or no incubator module) the kernel's scalar loops read x and write the scratch
 * rows directly: the same bits, likely slower.
 */
final class BatchNormLanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private BatchNormLanes() {
    }

    /** {@code v[vo + i] = γ·((x[xo + i] − μ)·s) + β}: forward's normalized and scaled values. */
    static int normalize(float[] x, int xo, float[] v, int vo, int len, float mu, float is, float gamma, float beta) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            // −0 + x (the same bits) gives the chain a receiver of an exact class; see VectorFloatArrays.
            FloatVector h = FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, x, xo + i)).sub(mu).mul(is);
            h.mul(gamma).add(beta).intoArray(v, vo + i);
        }
        return i;
    }

    /** {@code v[vo + i] = x[xo + i]·scale + shift}: evaluation's values from the running statistics. */
    static int scaleAndShift(float[] x, int xo, float[] v, int vo, int len, float scale, float shift) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, x, xo + i)).mul(scale).add(shift).intoArray(v, vo + i);
        }
        return i;
    }

    /** {@code h[ho + i] = (x[xo + i] − μ)·s}: x̂ recomputed in backward. */
    static int standardize(float[] x, int xo, float[] h, int ho, int len, float mu, float is) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, x, xo + i)).sub(mu).mul(is).intoArray(h, ho + i);
        }
        return i;
    }

    /** {@code dx[dxo + i] = scale·(g[go + i] − mean(g) − h[go + i]·mean(g x̂))}: ∂L/∂x from scratch rows g and x̂. */
    static int inputGradient(float[] g, float[] h, int go, float[] dx, int dxo, int len, float scale, float meanG, float meanGx) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector hx = FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, h, go + i)).mul(meanGx);
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, g, go + i)).sub(meanG).sub(hx).mul(scale).intoArray(dx, dxo + i);
        }
        return i;
    }

    /**
     * {@code dx[o + i] = scale·(dx[o + i] − mean(g) − ((x[o + i] − μ)·s)·mean(g x̂))}: ∂L/∂x in place over the routed
     * ∂L/∂y it holds, x̂ recomputed from x.
     */
    static int inputGradientInPlace(float[] x, float[] dx, int o, int len, float mu, float is, float scale, float meanG, float meanGx) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector hx = FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, x, o + i)).sub(mu).mul(is).mul(meanGx);
            FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, dx, o + i)).sub(meanG).sub(hx).mul(scale).intoArray(dx, o + i);
        }
        return i;
    }
}
