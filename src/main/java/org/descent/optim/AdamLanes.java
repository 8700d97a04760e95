package org.descent.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Adam}'s update loop (without AMSGrad's running maximum) on the Vector API, over whole vectors of parameters.
 * Each lane does the scalar loop's float operations in the same order, none fused, and the vector square root is the
 * correctly rounded float one, which {@code (float) Math.sqrt(v)} of a float also is (a double has more than twice a
 * float's precision): the same bits. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>Every vector operation's receiver is made in the loop: a load (as {@code −0 + x}, the broadcast made there, for
 * an exact receiver class as in the tensor package's kernels) or a value computed from one; the broadcasts made before
 * the loop are only operands. C2 took the class of a receiver made before the loop from the JVM-wide type profile,
 * which holds two vector classes once other kernels have used 256-bit ones, and the store then failed to compile to an
 * intrinsic: the update ran as the API's Java fallback in training (BENCHMARKS.md, eighth session). Hence
 * {@code (m / d) · (−stepSize)} rather than {@code −stepSize · (m / d)}, the same product.
 */
final class AdamLanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private AdamLanes() {
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, a, i));
    }

    /**
     * {@code m = m·b1 + g·c1}, {@code v = v·b2 + g·g·c2}, {@code u = −stepSize · (m / (√v / bc2Sqrt + eps))} for whole
     * vectors of i from {@code from}; returns the first i left to the scalar loop.
     */
    static int update(float[] u, float[] m, float[] v, int from, int to, float b1, float c1, float b2, float c2, float bc2Sqrt,
                      float eps, float stepSize) {
        FloatVector beta1 = FloatVector.broadcast(F, b1);
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c1);
        FloatVector beta2 = FloatVector.broadcast(F, b2);
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c2);
        FloatVector correction = FloatVector.broadcast(F, bc2Sqrt);
        FloatVector epsilon = FloatVector.broadcast(F, eps);
        FloatVector step = FloatVector.broadcast(F, -stepSize);
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
            FloatVector g = load(u, i);
            FloatVector first = load(m, i).mul(beta1).add(g.mul(oneMinusBeta1));
            FloatVector second = load(v, i).mul(beta2).add(g.mul(g).mul(oneMinusBeta2));
            first.intoArray(m, i);
            second.intoArray(v, i);
            first.div(second.sqrt().div(correction).add(epsilon)).mul(step).intoArray(u, i);
        }
        return i;
    }
}
