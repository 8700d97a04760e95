package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LabelRuleTest {
    @Test
    void eachLossTakesItsOwnLabels() {
        LabelRule classes = LabelRule.forLoss("softmax_cross_entropy", 10);
        assertNull(classes.problem(0));
        assertNull(classes.problem(9));
        assertEquals("label 10.0 is not a class index in [0, 10) (the model has 10 outputs)", classes.problem(10));
        assertEquals("label 1.5 is not a class index in [0, 10) (the model has 10 outputs)", classes.problem(1.5f));
        assertEquals("label -1.0 is not a class index in [0, 10) (the model has 10 outputs)", classes.problem(-1));
        assertEquals("label NaN is not finite", classes.problem(Float.NaN));
        LabelRule probability = LabelRule.forLoss("binary_cross_entropy", 1);
        assertNull(probability.problem(1));
        assertEquals("label 2.0 is outside [0, 1] (binary cross-entropy)", probability.problem(2));
        LabelRule real = LabelRule.forLoss("squared_error", 1);
        assertNull(real.problem(-123.5f));
        assertEquals("label Infinity is not finite", real.problem(Float.POSITIVE_INFINITY));
    }
}
