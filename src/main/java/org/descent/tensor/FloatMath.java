package org.descent.tensor;

/**
 * exp, the logistic sigmoid and tanh in float arithmetic, over arrays in place: the recurrent layers' gates. One
 * algorithm, written twice with the same operations in the same order — once on Java's Vector API
 * ({@code jdk.incubator.vector}, used when the JVM has the module) and once on scalars (otherwise, and for the tail of
 * an array) — so both give the same bits, whichever runs: a run's numbers do not depend on the JIT, the interpreter
 * or the module.
 * <ul>
 *   <li><b>exp</b> (Cephes' {@code expf}, Moshier 1992): {@code x} clamped to [−87, 88], {@code n = rint(x·log₂e)},
 *       {@code r = x − n·ln2} (ln 2 in two parts, fused multiply-adds), {@code eʳ ≈ 1 + r + r²·P(r)} with Cephes'
 *       degree-5 P, times {@code 2ⁿ} built from its exponent bits. Within 2 units in the last place of float.</li>
 *   <li><b>sigmoid</b> {@code σ(a) = 1/(1 + e^{−a})}.</li>
 *   <li><b>tanh</b> (Cephes' {@code tanhf}): for |a| &lt; 0.625 the odd polynomial {@code a + a·z·Q(z)}, z = a²;
 *       otherwise {@code sign(a)·(1 − 2/(e^{2|a|} + 1))}. Within 3 units in the last place.</li>
 * </ul>
 * {@code Math.exp} in double costs tens of cycles a call and is not vectorized: five of them per LSTM unit and step
 * were most of its forward pass.
 */
public final class FloatMath {
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, held in the low bits. */
    static final float ROUND = 12582912f;
    static final int ROUND_BITS = 0x4B400000;
    static final float MIN_X = -87f;
    static final float MAX_X = 88f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;
    static final float TANH_SMALL = 0.625f;
    static final float T0 = -5.70498872745e-3f;
    static final float T1 = 2.06390887954e-2f;
    static final float T2 = -5.37397155531e-2f;
    static final float T3 = 1.33314422036e-1f;
    static final float T4 = -3.33332819422e-1f;

    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("descent.scalarMath") && VectorFloatMath.usable();

    private FloatMath() {
    }

    /** Whether the arrays go through the Vector API (else through the scalar twin; the same bits). */
    public static boolean vectorized() {
        return VECTOR;
    }

    /** e^x (x clamped to [−87, 88]; NaN stays NaN). */
    public static float exp(float x) {
        float c = Math.min(Math.max(x, MIN_X), MAX_X);
        float t = Math.fma(c, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_BITS + 127) << 23);
        return y * scale;
    }

    /** σ(a) = 1/(1 + e^{−a}). */
    public static float sigmoid(float a) {
        return 1f / (1f + exp(-a));
    }

    /** tanh(a). */
    public static float tanh(float a) {
        float ax = Math.abs(a);
        if (ax < TANH_SMALL) {
            float z = a * a;
            float q = Math.fma(Math.fma(Math.fma(Math.fma(T0, z, T1), z, T2), z, T3), z, T4);
            return Math.fma(q * z, a, a);
        }
        return Math.copySign(1f - 2f / (exp(2f * ax) + 1f), a);
    }

    /** {@code a[i] = σ(a[i])} for i in [off, off + len). */
    public static void sigmoid(float[] a, int off, int len) {
        int i = VECTOR ? VectorFloatMath.sigmoid(a, off, len) : off;
        for (int end = off + len; i < end; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    /** {@code a[i] = tanh(a[i])} for i in [off, off + len). */
    public static void tanh(float[] a, int off, int len) {
        int i = VECTOR ? VectorFloatMath.tanh(a, off, len) : off;
        for (int end = off + len; i < end; i++) {
            a[i] = tanh(a[i]);
        }
    }
}
