package org.descent.nn.recurrent;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gated cells' element-wise loops ({@link Lstm}, {@link Gru}) on the Vector API: the same operations in the same
 * order lane by lane as the scalar loops, so the same bits. C2 (JDK 17) leaves those loops scalar, as they read and write several
 * arrays at offsets it cannot compare. Each method handles whole vectors of units from 0 and returns the first unit
 * left to the scalar loop. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>As in {@code VectorFixedOrderProduct}: no vector method is called on a vector just loaded from an array, whose
 * class C2 would take from a type profile the API's fallbacks may have polluted; loaded values enter through
 * {@code −0 + v} (the same bits) or as arguments.
 */
final class GateLanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector NEG_ZERO = FloatVector.broadcast(F, -0f);
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    private GateLanes() {
    }

    /** {@code cache[c + k] = pre[po + k] + p[bih + k] + rec[ro + k] + p[bhh + k]}, left to right. */
    static int preActivations(float[] cache, int c, float[] pre, int po, float[] p, int bih, float[] rec, int ro, int bhh, int len) {
        int k = 0;
        for (int end = F.loopBound(len); k < end; k += F.length()) {
            NEG_ZERO.add(FloatVector.fromArray(F, pre, po + k)).add(FloatVector.fromArray(F, p, bih + k))
                    .add(FloatVector.fromArray(F, rec, ro + k)).add(FloatVector.fromArray(F, p, bhh + k)).intoArray(cache, c + k);
        }
        return k;
    }

    /**
     * The new cell state {@code c_t = f·c_{t−1} + i·g} (c_{t−1} from {@code cache[previous + j]}, or 0 when
     * {@code previous < 0}) into {@code cache[c + 4H + j]} and {@code cache[c + 5H + j]} (tanh is applied there after).
     */
    static int cellState(float[] cache, int c, int previous, int hh) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            FloatVector f = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + hh + j));
            FloatVector cPrev = previous >= 0 ? FloatVector.fromArray(F, cache, previous + j) : FloatVector.zero(F);
            FloatVector i = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + j));
            FloatVector ct = f.mul(cPrev).add(i.mul(FloatVector.fromArray(F, cache, c + 2 * hh + j)));
            ct.intoArray(cache, c + 4 * hh + j);
            ct.intoArray(cache, c + 5 * hh + j);
        }
        return j;
    }

    /** {@code states[h + j] = o · tanh(c_t)}: {@code cache[c + 3H + j] · cache[c + 5H + j]}. */
    static int hiddenState(float[] cache, int c, float[] states, int h, int hh) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            NEG_ZERO.add(FloatVector.fromArray(F, cache, c + 3 * hh + j)).mul(FloatVector.fromArray(F, cache, c + 5 * hh + j))
                    .intoArray(states, h + j);
        }
        return j;
    }

    /**
     * {@link Gru}'s candidate pre-activation: {@code hn = rec[ro + k] + p[bhn + k]} into {@code cache[c + 3H + k]}, and
     * {@code pre[po + k] + p[bin + k] + r·hn} into {@code cache[c + 2H + k]}, with r at {@code cache[c + k]}.
     */
    static int gruCandidate(float[] cache, int c, int hh, float[] pre, int po, float[] p, int bin, float[] rec, int ro, int bhn) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            FloatVector hn = NEG_ZERO.add(FloatVector.fromArray(F, rec, ro + j)).add(FloatVector.fromArray(F, p, bhn + j));
            hn.intoArray(cache, c + 3 * hh + j);
            FloatVector r = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + j));
            NEG_ZERO.add(FloatVector.fromArray(F, pre, po + j)).add(FloatVector.fromArray(F, p, bin + j)).add(r.mul(hn))
                    .intoArray(cache, c + 2 * hh + j);
        }
        return j;
    }

    /** {@link Gru}'s new state {@code h_t = (1 − z)·n + z·h_{t−1}}: z, n from the cache, h_{t−1} at {@code states[prev]}. */
    static int gruState(float[] cache, int c, int hh, float[] states, int h, int prev) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            FloatVector z = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + hh + j));
            ONE.sub(z).mul(FloatVector.fromArray(F, cache, c + 2 * hh + j)).add(z.mul(FloatVector.fromArray(F, states, prev + j)))
                    .intoArray(states, h + j);
        }
        return j;
    }

    /** {@link Gru}'s cell backward for whole vectors of units: the gates' gradients on both sides and ∂L/∂h_{t−1}'s direct part. */
    static int gruCellBackward(float[] cache, int c, int hh, float[] states, int prev, float[] g, float[] dx, float[] dh, int o,
                               float[] toPrevious, int tp) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            FloatVector r = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + j));
            FloatVector z = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + hh + j));
            FloatVector n = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + 2 * hh + j));
            FloatVector gv = NEG_ZERO.add(FloatVector.fromArray(F, g, j));
            // an = g·(1 − z)·(1 − n²); ar = an·hn·r·(1 − r); az = g·(h_{t−1} − n)·z·(1 − z)
            FloatVector an = gv.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
            FloatVector ar = an.mul(FloatVector.fromArray(F, cache, c + 3 * hh + j)).mul(r).mul(ONE.sub(r));
            FloatVector az = gv.mul(NEG_ZERO.add(FloatVector.fromArray(F, states, prev + j)).sub(n)).mul(z).mul(ONE.sub(z));
            ar.intoArray(dx, o + j);
            az.intoArray(dx, o + hh + j);
            an.intoArray(dx, o + 2 * hh + j);
            ar.intoArray(dh, o + j);
            az.intoArray(dh, o + hh + j);
            an.mul(r).intoArray(dh, o + 2 * hh + j);
            gv.mul(z).intoArray(toPrevious, tp + j);
        }
        return j;
    }

    /** {@link Lstm}'s cell backward for whole vectors of units: the gates' pre-activation gradients and ∂L/∂c_{t−1}. */
    static int cellBackward(float[] cache, int c, int previous, int hh, float[] cellGrad, int cg, float[] gh, float[] dx, int o,
                            float[] toPrevious, int tp) {
        int j = 0;
        for (int end = F.loopBound(hh); j < end; j += F.length()) {
            FloatVector i = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + j));
            FloatVector f = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + hh + j));
            FloatVector g = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + 2 * hh + j));
            FloatVector out = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + 3 * hh + j));
            FloatVector tc = NEG_ZERO.add(FloatVector.fromArray(F, cache, c + 5 * hh + j));
            FloatVector cPrev = previous >= 0 ? FloatVector.fromArray(F, cache, previous + j) : FloatVector.zero(F);
            FloatVector ghv = NEG_ZERO.add(FloatVector.fromArray(F, gh, j));
            // dc = cellGrad + gh·out·(1 − tc²); dOut = gh·tc
            FloatVector dc = NEG_ZERO.add(FloatVector.fromArray(F, cellGrad, cg + j)).add(ghv.mul(out).mul(ONE.sub(tc.mul(tc))));
            FloatVector dOut = ghv.mul(tc);
            dc.mul(g).mul(i).mul(ONE.sub(i)).intoArray(dx, o + j);
            dc.mul(cPrev).mul(f).mul(ONE.sub(f)).intoArray(dx, o + hh + j);
            dc.mul(i).mul(ONE.sub(g.mul(g))).intoArray(dx, o + 2 * hh + j);
            dOut.mul(out).mul(ONE.sub(out)).intoArray(dx, o + 3 * hh + j);
            dc.mul(f).intoArray(cellGrad, cg + j);
            FloatVector.zero(F).intoArray(toPrevious, tp + j);
        }
        return j;
    }
}
