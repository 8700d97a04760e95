package org.descent.nn.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxPool2x2}'s plane loops on the Vector API, a vector of consecutive windows at a time: each window's four
 * values gathered through the plane's window offsets ({@link MaxPool2x2#windows}), then forward's expressions lane by
 * lane — {@code max} is {@code Math.max} in every lane (NaN wins, −0 &lt; +0) and the argmax takes the same
 * comparisons — so values and argmaxes are the scalar loop's bits. Each method returns the first window left to that
 * loop. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>The windows' values are strided (two of every four floats of two rows), which a load of consecutive floats would
 * have to take apart lane by lane; a gather reads them in place. Measured on AVX-512 (64 planes of 28×28 and 128 of
 * 14×14, each pooled with its argmax): 1.6–1.7× the scalar loop. Backward's routing into a zeroed row scatters a vector
 * of gradients to their argmaxes, which are distinct (the windows do not overlap).
 */
final class MaxPool2x2Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many int lanes as {@link #F} has float lanes: the argmaxes go with the values lane for lane. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

    private MaxPool2x2Lanes() {
    }

    /** Windows per vector. */
    static int length() {
        return F.length();
    }

    /** {@link MaxPool2x2#forwardPlane}'s windows in whole vectors. */
    static int forwardPlane(float[] x, int xOff, MaxPool2x2.Windows windows, float[] y, int yOff, int[] arg, int argOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        IntVector base = IntVector.broadcast(I, xOff);
        int j = 0;
        for (int end = F.loopBound(offsets.length); j < end; j += F.length()) {
            FloatVector a = FloatVector.fromArray(F, x, xOff, offsets, j);
            FloatVector b = FloatVector.fromArray(F, x, xOff + 1, offsets, j);
            FloatVector c = FloatVector.fromArray(F, x, xOff + w, offsets, j);
            FloatVector d = FloatVector.fromArray(F, x, xOff + w + 1, offsets, j);
            // 0 + offsets + xOff: a receiver of an exact class, made in the loop (see VectorFloatArrays).
            IntVector i0 = IntVector.broadcast(I, 0).add(IntVector.fromArray(I, offsets, j)).add(base);
            FloatVector maxTop = a.max(b);
            FloatVector maxBottom = c.max(d);
            IntVector argTop = i0.blend(i0.add(1), b.compare(VectorOperators.GT, a).cast(I));
            IntVector argBottom = i0.add(w).blend(i0.add(w + 1), d.compare(VectorOperators.GT, c).cast(I));
            FloatVector.broadcast(F, -0f).add(maxTop.max(maxBottom)).intoArray(y, yOff + j);
            argTop.blend(argBottom, maxBottom.compare(VectorOperators.GT, maxTop).cast(I)).intoArray(arg, argOff + j);
        }
        return j;
    }

    /** {@link MaxPool2x2#maxPlane}'s windows in whole vectors. */
    static int maxPlane(float[] x, int xOff, MaxPool2x2.Windows windows, float[] y, int yOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = 0;
        for (int end = F.loopBound(offsets.length); j < end; j += F.length()) {
            FloatVector a = FloatVector.fromArray(F, x, xOff, offsets, j);
            FloatVector b = FloatVector.fromArray(F, x, xOff + 1, offsets, j);
            FloatVector c = FloatVector.fromArray(F, x, xOff + w, offsets, j);
            FloatVector d = FloatVector.fromArray(F, x, xOff + w + 1, offsets, j);
            FloatVector.broadcast(F, -0f).add(a.max(b).max(c.max(d))).intoArray(y, yOff + j);
        }
        return j;
    }

    /**
     * {@link MaxPool2x2#routeRectifiedDisjoint} in whole vectors from {@code from}: the kept gradients scattered to their
     * argmaxes; returns the first output left. A gradient is kept, as in the scalar rule, where y's bits minus one are
     * not negative (y &gt; 0, or a NaN whose sign bit is clear; not +0, nor a NaN with the sign bit set, which x86
     * arithmetic makes), else +0 goes; then {@code + 0}.
     */
    static int routeRectifiedDisjoint(float[] dy, float[] y, int[] arg, int from, int to, float[] dx) {
        int o = from;
        for (int end = from + F.loopBound(to - from); o < end; o += F.length()) {
            FloatVector g = FloatVector.broadcast(F, -0f).add(FloatVector.fromArray(F, dy, o));
            IntVector bits = IntVector.broadcast(I, -1).add(FloatVector.fromArray(F, y, o).reinterpretAsInts());
            FloatVector.zero(F).blend(g, bits.compare(VectorOperators.GE, 0).cast(F)).add(0f).intoArray(dx, 0, arg, o);
        }
        return o;
    }
}
