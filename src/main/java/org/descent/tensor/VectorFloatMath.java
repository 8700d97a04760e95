package org.descent.tensor;

import static org.descent.tensor.FloatMath.LN2_HI;
import static org.descent.tensor.FloatMath.LN2_LO;
import static org.descent.tensor.FloatMath.LOG2E;
import static org.descent.tensor.FloatMath.MAX_X;
import static org.descent.tensor.FloatMath.MIN_X;
import static org.descent.tensor.FloatMath.P0;
import static org.descent.tensor.FloatMath.P1;
import static org.descent.tensor.FloatMath.P2;
import static org.descent.tensor.FloatMath.P3;
import static org.descent.tensor.FloatMath.P4;
import static org.descent.tensor.FloatMath.P5;
import static org.descent.tensor.FloatMath.ROUND;
import static org.descent.tensor.FloatMath.ROUND_BITS;
import static org.descent.tensor.FloatMath.T0;
import static org.descent.tensor.FloatMath.T1;
import static org.descent.tensor.FloatMath.T2;
import static org.descent.tensor.FloatMath.T3;
import static org.descent.tensor.FloatMath.T4;
import static org.descent.tensor.FloatMath.TANH_SMALL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatMath}'s array functions on the Vector API, lane by lane the same operations as its scalar ones (so the
 * same bits). Loaded only when the JVM has {@code jdk.incubator.vector}. Each function handles whole vectors and
 * returns the index where the scalar tail starts.
 */
final class VectorFloatMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(F, -LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(F, -LN2_LO);
    private static final FloatVector VP2 = FloatVector.broadcast(F, P2);
    private static final FloatVector VP3 = FloatVector.broadcast(F, P3);
    private static final FloatVector VP4 = FloatVector.broadcast(F, P4);
    private static final FloatVector VP5 = FloatVector.broadcast(F, P5);
    private static final FloatVector VT2 = FloatVector.broadcast(F, T2);
    private static final FloatVector VT3 = FloatVector.broadcast(F, T3);
    private static final FloatVector VT4 = FloatVector.broadcast(F, T4);
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(F, 2f);

    private VectorFloatMath() {
    }

    /**
     * Whether the preferred vectors are 128, 256 or 512 bits, so that half of one is a shape the API has (the vector
     * sums widen half a vector of floats to a vector of doubles); other sizes (e.g. 384-bit SVE) use the scalar twins.
     */
    static boolean usable() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return bits == 128 || bits == 256 || bits == 512;
    }

    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(MIN_X).min(MAX_X);
        FloatVector t = c.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(NEG_LN2_HI, c);
        r = n.fma(NEG_LN2_LO, r);
        FloatVector p = r.fma(P0, P1).fma(r, VP2).fma(r, VP3).fma(r, VP4).fma(r, VP5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector bits = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    static int sigmoid(float[] a, int off, int len) {
        int i = off;
        for (int end = off + F.loopBound(len); i < end; i += F.length()) {
            FloatVector v = load(a, i);
            ONE.div(exp(v.neg()).add(1f)).intoArray(a, i);
        }
        return i;
    }

    static int tanh(float[] a, int off, int len) {
        int i = off;
        for (int end = off + F.loopBound(len); i < end; i += F.length()) {
            FloatVector v = load(a, i);
            FloatVector ax = v.abs();
            FloatVector z = v.mul(v);
            FloatVector q = z.fma(T0, T1).fma(z, VT2).fma(z, VT3).fma(z, VT4);
            FloatVector small = q.mul(z).fma(v, v);
            FloatVector large = ONE.sub(TWO.div(exp(ax.mul(2f)).add(1f)));
            IntVector sign = v.reinterpretAsInts().and(0x80000000);
            FloatVector signed = large.reinterpretAsInts().or(sign).reinterpretAsFloats();
            VectorMask<Float> isSmall = ax.compare(VectorOperators.LT, TANH_SMALL);
            signed.blend(small, isSmall).intoArray(a, i);
        }
        return i;
    }

    /**
     * A vector of {@code a} from {@code i}, as {@code −0 + v} (the same bits), so that the methods called on it have a
     * receiver of an exact class: see {@link VectorFixedOrderProduct} on receivers whose class C2 must take from a type
     * profile.
     */
    private static FloatVector load(float[] a, int i) {
        return FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, a, i));
    }
}
