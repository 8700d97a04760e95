package org.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link FloatArrays}' loops on the Vector API, whole vectors only; each returns the first index left. */
final class VectorFloatArrays {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorFloatArrays() {
    }

    static int add(float[] src, int from, float[] dst, int to, int len) {
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            FloatVector.fromArray(F, dst, to + i).add(FloatVector.fromArray(F, src, from + i)).intoArray(dst, to + i);
        }
        return i;
    }
}
