package org.descent.nn.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxPool2x2}'s plane loops on the Vector API, a vector of consecutive windows at a time: each window's four
 * values gathered through the plane's window offsets ({@link MaxPool2x2#windows}), then forward's expressions lane by
 * lane — {@code max} is {@code Math.max} in every lane (NaN wins, −0 &lt; +0) and the argmax takes the same
 * comparisons — so values and argmaxes are the scalar loop's bits (but for which of two different NaNs in one window a
 * value is: the vector max and {@code Math.max} may pick differently). Each method returns the first window left to that
 * loop. Loaded only when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>The windows' values are strided (two of every four floats of two rows), which a load of consecutive floats would
 * have to take apart lane by lane; a gather reads them in place. Measured on AVX-512 (64 planes of 28×28 and 128 of
 * 14×14, each pooled with its argmax): 1.6–1.7× the scalar loop. Backward's routing stays a scalar loop
 * ({@link MaxPool2x2#routeDisjoint}): JDK 17's scatter ran its index arithmetic in the API's Java fallback.
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

    /** {@link MaxPool2x2#forwardPlane}'s windows in whole vectors, each {@code max(floor, ·)}. */
    static int forwardPlane(float[] x, int xOff, MaxPool2x2.Windows windows, float floor, float[] y, int yOff, int[] arg, int argOff) {
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
            // max(floor, ·) on a broadcast made in the loop: a receiver of an exact class for the store (see VectorFloatArrays).
            FloatVector.broadcast(F, floor).max(maxTop.max(maxBottom)).intoArray(y, yOff + j);
            argTop.blend(argBottom, maxBottom.compare(VectorOperators.GT, maxTop).cast(I)).intoArray(arg, argOff + j);
        }
        return j;
    }

    /**
     * {@link MaxPool2x2#forwardPlaneRouted}'s targets from a plane's pooled values and argmaxes, in whole vectors: the
     * argmax where the value's bits minus one are not negative, else {@code dump}; integer lanes throughout (no float mask
     * cast to int lanes). A pass of its own over the plane just written, which is in L1: done inside the pooling loop, the
     * loop outgrew what C2 compiles to vector instructions and ran its max and store in the API's Java fallback.
     */
    static int routeTargets(float[] y, int yOff, int[] arg, int argOff, int len, int dump) {
        int j = 0;
        for (int end = F.loopBound(len); j < end; j += F.length()) {
            IntVector bits = IntVector.broadcast(I, -1).add(FloatVector.fromArray(F, y, yOff + j).reinterpretAsInts());
            IntVector best = IntVector.broadcast(I, 0).add(IntVector.fromArray(I, arg, argOff + j));
            best.blend(dump, bits.compare(VectorOperators.LT, 0)).intoArray(arg, argOff + j);
        }
        return j;
    }

    /** {@link MaxPool2x2#maxPlane}'s windows in whole vectors. */
    static int maxPlane(float[] x, int xOff, MaxPool2x2.Windows windows, float floor, float[] y, int yOff) {
        int[] offsets = windows.offsets;
        int w = windows.width;
        int j = 0;
        for (int end = F.loopBound(offsets.length); j < end; j += F.length()) {
            FloatVector a = FloatVector.fromArray(F, x, xOff, offsets, j);
            FloatVector b = FloatVector.fromArray(F, x, xOff + 1, offsets, j);
            FloatVector c = FloatVector.fromArray(F, x, xOff + w, offsets, j);
            FloatVector d = FloatVector.fromArray(F, x, xOff + w + 1, offsets, j);
            FloatVector.broadcast(F, floor).max(a.max(b).max(c.max(d))).intoArray(y, yOff + j);
        }
        return j;
    }
}
