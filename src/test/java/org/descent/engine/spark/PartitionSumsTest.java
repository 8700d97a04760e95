package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.descent.tensor.ExactSum;
import org.descent.tensor.Rng;
import org.junit.jupiter.api.Test;

class PartitionSumsTest {
    private static final int PARAMS = 2 * PartitionSums.CHUNK + 77;

    private static double[] exactTerms(Rng rng) {
        double[] e = new double[PARAMS];
        for (int i = 0; i < e.length; i++) {
            e[i] = i % 13 == 0 ? -0.0 : ExactSum.q(rng.nextGaussian() * 3);
        }
        return e;
    }

    private static PartitionResult exact(int p, double[] sums) {
        return new PartitionResult(p, null, sums, 1, 1, new double[0], 0, 0, 0);
    }

    /** Exact sums: +0 plus every partition's sum in partition order, rounded once — chunk by chunk or range by range alike. */
    @Test
    void exactSumsAreAddedInPartitionOrderAndRoundedOnce() {
        Rng rng = new Rng(11);
        double[][] parts = {exactTerms(rng), exactTerms(rng), exactTerms(rng)};
        float[] expected = new float[PARAMS];
        for (int i = 0; i < PARAMS; i++) {
            double s = 0;
            for (double[] part : parts) {
                s += part[i];
            }
            expected[i] = (float) s;
        }
        PartitionSums whole = new PartitionSums(PARAMS, 0, true, false);
        float[] combined = whole.combine(List.of(exact(0, parts[0]), exact(1, parts[1]), exact(2, parts[2])), 0).gradient();
        PartitionSums ranged = new PartitionSums(PARAMS, 0, true, false);
        float[] byRange = null;
        for (int to = PARAMS; to > 0; to -= 1000) {
            byRange = ranged.sumRange(new float[3][], parts, Math.max(0, to - 1000), to);
        }
        for (int i = 0; i < PARAMS; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(combined[i]), "entry " + i);
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(byRange[i]), "entry " + i + " range by range");
        }
        float[] single = new PartitionSums(PARAMS, 0, true, false).combine(List.of(exact(0, parts[0])), 0).gradient();
        assertEquals(0, Float.floatToRawIntBits(single[0]), "+0 + −0 is +0, as a sum from zero gives");
    }

    /** Float sums: +0 plus every partition's sum in partition order, −0 included — chunk by chunk or range by range alike. */
    @Test
    void floatSumsAreAddedInPartitionOrder() {
        Rng rng = new Rng(12);
        float[][] parts = new float[3][PARAMS];
        for (int i = 0; i < PARAMS; i++) {
            parts[0][i] = i % 7 == 0 ? -0f : (float) rng.nextGaussian();
            parts[1][i] = i % 7 == 0 ? -0f : (float) rng.nextGaussian() * 1e-3f;
            parts[2][i] = i % 11 == 0 ? -0f : (float) rng.nextGaussian() * 1e3f;
        }
        List<PartitionResult> results = List.of(new PartitionResult(0, parts[0], null, 1, 1, new double[0], 0, 0, 0),
                new PartitionResult(1, parts[1], null, 1, 1, new double[0], 0, 0, 0),
                new PartitionResult(2, parts[2], null, 1, 1, new double[0], 0, 0, 0));
        float[] sum = new PartitionSums(PARAMS, 0, false, false).combine(results, 0).gradient();
        PartitionSums ranged = new PartitionSums(PARAMS, 0, false, false);
        float[] byRange = null;
        for (int to = PARAMS; to > 0; to -= 1000) {
            byRange = ranged.sumRange(parts, new double[3][], Math.max(0, to - 1000), to);
        }
        for (int i = 0; i < PARAMS; i++) {
            int expected = Float.floatToRawIntBits(0f + parts[0][i] + parts[1][i] + parts[2][i]);
            assertEquals(expected, Float.floatToRawIntBits(sum[i]), "entry " + i);
            assertEquals(expected, Float.floatToRawIntBits(byRange[i]), "entry " + i + " range by range");
        }
        assertEquals(0, Float.floatToRawIntBits(sum[0]), "+0 + −0 + −0 + −0 is +0, as a sum from zero gives");
        assertSame(parts[0], new PartitionSums(PARAMS, 0, false, false).combine(results.subList(0, 1), 0).gradient(),
                "one partition's float sum is the total");
    }
}
