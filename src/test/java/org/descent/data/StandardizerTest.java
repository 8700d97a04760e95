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
}
