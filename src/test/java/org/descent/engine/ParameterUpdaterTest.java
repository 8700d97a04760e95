package org.descent.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.descent.models.Models;
import org.descent.nn.ParamLayout;
import org.descent.optim.Optimizers;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class ParameterUpdaterTest {
    private static final ParamLayout LAYOUT = Models.mlp(7, 5, 3).layout();

    private static float[] gaussian(long seed, int n, double scale) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return v;
    }

    /** The mean gradient's norm, summed in one chain, to compare with the updater's four partial sums. */
    private static double norm(float[] gradSum, long count) {
        float inv = (float) (1.0 / count);
        double s = 0;
        for (float g : gradSum) {
            s += (double) (g * inv) * (g * inv);
        }
        return Math.sqrt(s);
    }

    @Test
    void prepareReturnsTheMeanGradientsNormAndChangesNothing() {
        ParameterUpdater u = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        float[] params = gaussian(1, LAYOUT.size(), 0.1);
        float[] before = params.clone();
        float[] gradSum = gaussian(2, LAYOUT.size(), 3);
        double n = u.prepare(gradSum, 32);
        assertEquals(norm(gradSum, 32), n, 1e-12 * n);
        assertEquals(n, u.gradientNorm());
        assertArrayEquals(before, params);
        float[] m = u.state().slot("m");
        for (float x : m) {
            assertEquals(0f, x);
        }
    }

    @Test
    void applyIsPrepareThenApplyPrepared() {
        float[] gradSum = gaussian(3, LAYOUT.size(), 1);
        float[] a = gaussian(4, LAYOUT.size(), 0.1);
        float[] b = a.clone();
        ParameterUpdater one = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        ParameterUpdater two = new ParameterUpdater(Optimizers.create("adam", Map.of("learningRate", 0.01)), LAYOUT);
        for (long step = 0; step < 3; step++) {
            one.apply(a, gradSum, 10, step);
            two.prepare(gradSum, 10);
            two.applyPrepared(b, step);
        }
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, gaussian(4, LAYOUT.size(), 0.1)), "the steps moved the parameters");
    }

    /** A NaN or infinite entry anywhere (also in the few entries past the last group of four) makes the norm non-finite. */
    @Test
    void aNonFiniteEntryMakesTheNormNonFiniteAndTheGuardNamesIt() {
        ParameterUpdater u = new ParameterUpdater(Optimizers.create("sgd", Map.of("learningRate", 0.1)), LAYOUT);
        for (int at : List.of(0, 5, LAYOUT.size() - 1)) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] g = gaussian(5, LAYOUT.size(), 1);
                g[at] = bad;
                double n = u.prepare(g, 4);
                assertFalse(Double.isFinite(n), at + " " + bad);
                DivergenceException e = assertThrows(DivergenceException.class, () -> DivergenceGuard.check(LAYOUT, g, n, 1.0, 0, 7));
                String name = LAYOUT.segments().stream().filter(s -> s.offset() <= at && at < s.end()).findFirst().orElseThrow().name();
                assertEquals(true, e.getMessage().contains("the gradient of " + name + " is " + bad), e.getMessage());
            }
        }
        float[] finite = gaussian(6, LAYOUT.size(), 1e30);
        double n = u.prepare(finite, 1);
        assertEquals(true, Double.isFinite(n), "squares of large floats do not overflow a double");
        DivergenceGuard.check(LAYOUT, finite, n, 1.0, 0, 7);
        assertThrows(DivergenceException.class, () -> DivergenceGuard.check(LAYOUT, finite, n, Double.NaN, 0, 7));
    }

    /**
     * The overlapped update: segments prepared and updated one by one, the last first, as their sums
     * complete, give the bits of prepare and applyPrepared over the whole — parameters, norm and Adam's
     * moments — on a layout of several segments; a step cut short rolls back to the state before it.
     */
    /**
     * {@link ParameterUpdater#applyPrepared} (segment by segment through every stage, for an element-wise chain) is the
     * optimizer's update of the whole mean gradient at once, then θ + Δθ, bit for bit: AdamW over several segments, a
     * short last one among them, and steps whose bias corrections and schedules differ.
     */
    @Test
    void appliedPreparedIsTheWholeUpdateAtOnce() {
        ParamLayout layout = Models.mlp(100, 300, 10).layout();
        int n = layout.size();
        Map<String, Double> settings = Map.of("learningRate", 0.01, "weightDecay", 0.05);
        ParameterUpdater updater = new ParameterUpdater(Optimizers.create("adamw", settings), layout);
        org.descent.optim.GradientTransform optimizer = Optimizers.create("adamw", settings);
        assertEquals(true, optimizer.elementwise());
        org.descent.optim.OptState state = optimizer.init(layout);
        float[] a = gaussian(7, n, 0.1);
        float[] b = a.clone();
        for (long step = 0; step < 3; step++) {
            float[] gradSum = gaussian(30 + step, n, 2);
            updater.apply(a, gradSum, 16, step);
            float inv = (float) (1.0 / 16);
            float[] u = new float[n];
            for (int i = 0; i < n; i++) {
                u[i] = gradSum[i] * inv;
            }
            optimizer.update(u, state, b, step);
            for (int i = 0; i < n; i++) {
                b[i] += u[i];
            }
            assertArrayEquals(b, a, "step " + step);
            assertEquals(state, updater.state(), "step " + step);
        }
    }

    /**
     * The whole-step passes on two threads (each over half of the segments) give one thread's bits: parameters,
     * optimizer state and norm, for element-wise optimizers and one that is not, over steps whose schedules differ.
     */
    @Test
    void twoThreadsGiveOneThreadsBits() {
        ParamLayout layout = Models.mlp(300, 300, 10).layout();   // 93,310 values: twelve segments, the last a short one
        int n = layout.size();
        assertEquals(12, ParameterUpdater.segments(n));
        for (String name : List.of("adamw", "nesterov", "rmsprop", "adagrad", "rprop", "lamb")) {
            Map<String, Double> settings = Map.of("learningRate", 0.01);
            ParameterUpdater one = new ParameterUpdater(Optimizers.create(name, settings), layout, false);
            ParameterUpdater two = new ParameterUpdater(Optimizers.create(name, settings), layout, true);
            assertFalse(one.twoThreads());
            assertEquals(true, two.twoThreads());
            float[] a = gaussian(7, n, 0.1);
            float[] b = a.clone();
            for (long step = 0; step < 3; step++) {
                float[] gradSum = gaussian(40 + step, n, 2);
                for (int i = 0; i < n; i++) {
                    // Segments of magnitudes 10⁻³ to 10³: the order their Σ g² are added in shows in the norm's bits.
                    gradSum[i] *= (float) Math.pow(10, (i / ParameterUpdater.SEGMENT_VALUES) % 7 - 3);
                }
                assertEquals(one.prepare(gradSum, 16), two.prepare(gradSum, 16), name + " norm, step " + step);
                one.applyPrepared(a, step);
                two.applyPrepared(b, step);
                assertArrayEquals(a, b, name + " parameters, step " + step);
                assertEquals(one.state(), two.state(), name + " state, step " + step);
            }
        }
        ParameterUpdater small = new ParameterUpdater(Optimizers.create("adam", Map.of()), LAYOUT);
        assertFalse(small.twoThreads(), "one segment stays on one thread");
    }

    /**
     * On two threads, after some segments were updated as they arrived: the rest of the update is one thread's, and a
     * roll-back mid-step restores the state exactly; eleven segments split five and six.
     */
    @Test
    void twoThreadsFinishASegmentedStepAndRollBackLikeOne() {
        ParamLayout layout = Models.mlp(280, 300, 10).layout();   // 87,310 values: eleven segments
        int n = layout.size();
        assertEquals(11, ParameterUpdater.segments(n));
        ParameterUpdater one = new ParameterUpdater(Optimizers.create("adamw", Map.of("learningRate", 0.01)), layout, false);
        ParameterUpdater two = new ParameterUpdater(Optimizers.create("adamw", Map.of("learningRate", 0.01)), layout, true);
        float[] a = gaussian(3, n, 0.1);
        float[] b = a.clone();
        for (long step = 0; step < 2; step++) {
            float[] gradSum = gaussian(60 + step, n, 2);
            for (ParameterUpdater u : List.of(one, two)) {
                float[] params = u == one ? a : b;
                u.beginStep(16);
                for (int s = 10; s >= 7; s--) {   // four segments as they arrive, then the rest at once
                    int from = s * ParameterUpdater.SEGMENT_VALUES;
                    int to = Math.min(n, from + ParameterUpdater.SEGMENT_VALUES);
                    u.prepareSegment(gradSum, from, to);
                    u.applySegment(params, step, from, to);
                }
                for (int s = 6; s >= 0; s--) {
                    u.prepareSegment(gradSum, s * ParameterUpdater.SEGMENT_VALUES, (s + 1) * ParameterUpdater.SEGMENT_VALUES);
                }
                u.applyPrepared(params, step);
            }
            assertArrayEquals(a, b, "step " + step);
            assertEquals(one.state(), two.state(), "step " + step);
        }
        float[] before = b.clone();
        org.descent.optim.OptState stateBefore = two.state().deepCopy();
        two.beginStep(16);
        int from = 10 * ParameterUpdater.SEGMENT_VALUES;
        two.prepareSegment(gaussian(70, n, 2), from, n);
        two.applySegment(b, 2, from, n);
        two.rollBack(b);
        assertArrayEquals(before, b);
        assertEquals(stateBefore, two.state());
    }

    /** An optimizer failing on the helper's half (segment 0), on this thread's, or on both: the failure reaches the caller. */
    @Test
    void aFailureOnEitherThreadReachesTheCaller() {
        ParamLayout layout = Models.mlp(300, 300, 10).layout();
        int last = (ParameterUpdater.segments(layout.size()) - 1) * ParameterUpdater.SEGMENT_VALUES;
        for (int failAt : new int[] {0, last, -1}) {
            org.descent.optim.ElementwiseTransform failing = new org.descent.optim.ElementwiseTransform() {
                @Override
                public org.descent.optim.OptState init(ParamLayout l) {
                    return new org.descent.optim.OptState();
                }

                @Override
                public void update(float[] u, org.descent.optim.OptState state, float[] params, long step, int from, int to) {
                    if (from == failAt || (failAt < 0 && (from == 0 || from == last))) {
                        throw new IllegalStateException("refused [" + from + ", " + to + ")");
                    }
                }
            };
            ParameterUpdater updater = new ParameterUpdater(failing, layout, true);
            updater.prepare(new float[layout.size()], 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> updater.applyPrepared(new float[layout.size()], 0));
            assertEquals(failAt < 0 ? 1 : 0, e.getSuppressed().length, e.getMessage());
            assertEquals(true, e.getMessage().startsWith("refused ["), e.getMessage());
        }
    }

    @Test
    void segmentBySegmentEqualsTheWholeAndRollsBackExactly() {
        ParamLayout layout = Models.mlp(100, 300, 10).layout();   // 33,310 values: five segments, the last a short one
        int n = layout.size();
        assertEquals(5, ParameterUpdater.segments(n));
        ParameterUpdater whole = new ParameterUpdater(Optimizers.create("adamw", Map.of("learningRate", 0.01)), layout);
        ParameterUpdater segmented = new ParameterUpdater(Optimizers.create("adamw", Map.of("learningRate", 0.01)), layout);
        float[] a = gaussian(7, n, 0.1);
        float[] b = a.clone();
        for (long step = 0; step < 3; step++) {
            float[] gradSum = gaussian(8 + step, n, 2);
            double norm = whole.prepare(gradSum, 16);
            whole.applyPrepared(a, step);
            segmented.beginStep(16);
            for (int s = ParameterUpdater.segments(n) - 1; s >= 0; s--) {
                int from = s * ParameterUpdater.SEGMENT_VALUES;
                int to = Math.min(n, from + ParameterUpdater.SEGMENT_VALUES);
                assertEquals(true, segmented.prepareSegment(gradSum, from, to));
                segmented.applySegment(b, step, from, to);
            }
            assertEquals(norm, segmented.gradientNorm(), "step " + step);
            segmented.applyPrepared(b, step);   // nothing left to update
            assertArrayEquals(a, b, "step " + step);
            assertEquals(whole.state(), segmented.state(), "step " + step);
        }
        float[] before = b.clone();
        org.descent.optim.OptState stateBefore = segmented.state().deepCopy();
        float[] gradSum = gaussian(20, n, 2);
        segmented.beginStep(16);
        for (int s = ParameterUpdater.segments(n) - 1; s >= 2; s--) {
            int from = s * ParameterUpdater.SEGMENT_VALUES;
            segmented.prepareSegment(gradSum, from, Math.min(n, from + ParameterUpdater.SEGMENT_VALUES));
            segmented.applySegment(b, 3, from, Math.min(n, from + ParameterUpdater.SEGMENT_VALUES));
        }
        assertFalse(java.util.Arrays.equals(before, b), "three segments were updated");
        segmented.rollBack(b);
        assertArrayEquals(before, b);
        assertEquals(stateBefore, segmented.state());
        assertFalse(segmented.prepared());
        float[] settled = b.clone();
        segmented.rollBack(b);   // outside a step there is nothing to undo
        assertArrayEquals(settled, b);
        new ParameterUpdater(Optimizers.create("sgd", Map.of()), layout).rollBack(b);   // nor before any step
        ParameterUpdater lamb = new ParameterUpdater(Optimizers.create("lamb", Map.of()), layout);
        assertFalse(lamb.updatesSegments());
        lamb.beginStep(1);
        lamb.prepareSegment(gradSum, 4 * ParameterUpdater.SEGMENT_VALUES, n);
        assertThrows(IllegalStateException.class, () -> lamb.applySegment(b, 0, 4 * ParameterUpdater.SEGMENT_VALUES, n));
        assertThrows(IllegalArgumentException.class, () -> lamb.prepareSegment(gradSum, 0, ParameterUpdater.SEGMENT_VALUES), "segments come in order");
    }

    /**
     * The norm {@link ParameterUpdater#prepare} returns is the one {@link org.descent.tensor.ExactSum#belowLimitByNorm}
     * reasons about: with a summed gradient at the limit of exact sums, over counts whose 1/count rounds either way, the
     * bound never rules the limit out; with sums well below it, it does.
     */
    @Test
    void preparedNormBoundsTheSumsAsTheExactSumsCheckAssumes() {
        float limit = (float) org.descent.tensor.ExactSum.EXACT_LIMIT;
        ParameterUpdater updater = new ParameterUpdater(Optimizers.create("sgd", Map.of("learningRate", 0.01)), LAYOUT, false);
        Rng rng = new Rng(77);
        for (long count : new long[] {1, 3, 7, 10, 128, 1000, 99_991}) {
            for (int trial = 0; trial < 50; trial++) {
                float[] sums = new float[LAYOUT.size()];
                for (int i = 0; i < sums.length; i++) {
                    sums[i] = (float) (rng.nextGaussian() * 1e-3);
                }
                sums[trial % sums.length] = trial % 2 == 0 ? limit : -limit;
                assertFalse(org.descent.tensor.ExactSum.belowLimitByNorm(updater.prepare(sums, count), count), "count " + count);
                sums[trial % sums.length] = limit / 4;
                assertEquals(true, org.descent.tensor.ExactSum.belowLimitByNorm(updater.prepare(sums, count), count), "count " + count);
            }
        }
    }
}
