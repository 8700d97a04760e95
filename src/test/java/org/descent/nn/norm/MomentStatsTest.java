package org.descent.nn.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class MomentStatsTest {
    private static double[] stats(double[] v, int from, int to) {
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += v[i];
        }
        mean /= (to - from);
        double m2 = 0;
        for (int i = from; i < to; i++) {
            m2 += (v[i] - mean) * (v[i] - mean);
        }
        return new double[] {to - from, mean, m2};
    }

    @Test
    void mergeEqualsTheStatisticsOfTheConcatenation() {
        Rng rng = new Rng(1);
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * 5 + (i < 10 ? 20 : 0);
        }
        double[] acc = new double[3];
        int[] cuts = {0, 10, 13, 60, 100};
        double meanOfMeans = 0;
        for (int k = 0; k + 1 < cuts.length; k++) {
            double[] part = stats(v, cuts[k], cuts[k + 1]);
            meanOfMeans += part[1] / (cuts.length - 1);
            MomentStats.merge(acc, 0, part, 0, 1);
        }
        double[] all = stats(v, 0, 100);
        assertEquals(all[0], acc[0]);
        assertEquals(all[1], acc[1], 1e-12);
        assertEquals(all[2], acc[2], 1e-9);
        assertTrue(Math.abs(meanOfMeans - all[1]) > 1, "a mean of means is wrong for uneven parts: " + meanOfMeans + " vs " + all[1]);
        MomentStats.merge(acc, 0, new double[3], 0, 1);
        assertEquals(all[1], acc[1], 1e-12);
    }

    /** Running statistics: mean and the unbiased variance m/(m−1)·σ², folded with decay 0.1. */
    @Test
    void runningBuffersUseTheUnbiasedVariance() {
        Sequential model = new Sequential(Shape.of(1), List.of(new BatchNorm()));
        float[] buffers = model.initBuffers();
        assertEquals(0f, buffers[0]);
        assertEquals(1f, buffers[1]);
        double[] merged = {4, 2.5, 5};   // values 1,2,3,4: mean 2.5, M2 5, unbiased variance 5/3
        model.updateBuffers(buffers, merged);
        assertEquals(0.25f, buffers[0], 1e-7f);
        assertEquals((float) (0.9 + 0.1 * 5.0 / 3), buffers[1], 1e-7f);
        StepContext ctx = new StepContext(new float[] {1, 0}, null, buffers, null);
        ctx.mode = org.descent.nn.Mode.EVAL;
        float[] y = model.newNetwork().forward(ctx, new float[] {0.25f}, 1);
        assertEquals(0f, y[0], 1e-7f);
    }
}
