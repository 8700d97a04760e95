package org.descent.optim;

import org.descent.nn.ParamLayout;

/** Per-parameter views of a {@link ParamLayout} used by the transforms. */
final class Segments {
    private Segments() {
    }

    static boolean[] decayedMask(ParamLayout layout) {
        boolean[] mask = new boolean[layout.size()];
        for (ParamLayout.Segment s : layout.segments()) {
            if (s.spec().decayed()) {
                java.util.Arrays.fill(mask, s.offset(), s.end(), true);
            }
        }
        return mask;
    }

    /** Euclidean norm of {@code v[from, to)}, accumulated in double. */
    static double norm(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
