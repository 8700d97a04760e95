package org.descent.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SGEMM rate is a rate (positive, finite, and higher for a product large enough to amortize its calls). */
class SgemmRateTest {
    @Test
    void aLargerProductRunsAtLeastAsFastPerFlopAsATinyOne() {
        double tiny = SgemmRate.gigaflops(2, 2, 2, 0.02, 3);
        double large = SgemmRate.gigaflops(256, 256, 256, 0.05, 3);
        assertTrue(tiny > 0 && Double.isFinite(large), tiny + ", " + large);
        assertTrue(large > tiny, "256³ at " + large + " GFLOP/s, 2³ at " + tiny);
    }

    @Test
    void sizesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SgemmRate.gigaflops(0, 4, 4, 0.01, 1));
    }
}
