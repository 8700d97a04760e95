package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void trainingFeaturesGetMeanZeroAndUnitVarianceAndOthersTheSameMap() {
        // Feature 0: 1, 3, 5 (mean 3, std √(8/3)); feature 1 constant 7.
        Dataset train = new Dataset(Shape.of(2), new float[] {1, 7, 3, 7, 5, 7}, 1, new float[3], 3);
        Standardizer s = Standardizer.fit(train);
        assertEquals(3f, s.mean(0), 1e-6f);
        assertEquals((float) Math.sqrt(8.0 / 3), s.std(0), 1e-6f);
        assertEquals(1f, s.std(1));
        s.applyInPlace(train);
        assertEquals(0f, train.features()[2], 1e-6f);
        assertEquals(0f, train.features()[1], 1e-6f);
        assertEquals(2 / Math.sqrt(8.0 / 3), train.features()[4], 1e-6);
        Dataset test = new Dataset(Shape.of(2), new float[] {3, 8}, 1, new float[1], 1);
        s.applyInPlace(test);
        assertEquals(0f, test.features()[0], 1e-6f);
        assertEquals(1f, test.features()[1], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> s.applyInPlace(new Dataset(Shape.of(3), new float[3], 1, new float[1], 1)));
    }

    /** Min-max scaling maps each feature's training range onto [0, 1] or [−1, 1]; a constant feature goes to the middle. */
    @Test
    void minMaxScalesTheTrainingRangeOntoTheTarget() {
        float[] x = {0, 5, 2,
                     10, 5, -2,
                     5, 5, 0};
        float[] min = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] max = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Standardizer.accumulateRange(x, 3, 3, min, max);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 5, -2}, min);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {10, 5, 2}, max);
        float[] unit = x.clone();
        Standardizer.minMax(min, max, 0, 1).applyInPlace(unit, 3, 3);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0.5f, 1, 1, 0.5f, 0, 0.5f, 0.5f, 0.5f}, unit, 1e-6f);
        float[] symmetric = x.clone();
        Standardizer.minMax(min, max, -1, 1).applyInPlace(symmetric, 3, 3);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {-1, 0, 1, 1, 0, -1, 0, 0, 0}, symmetric, 1e-6f);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Standardizer.minMax(min, max, 1, 1));
    }
}
