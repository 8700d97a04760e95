package org.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void sameSeedSameStreamAndDerivedStreamsDiffer() {
        Rng a = new Rng(5);
        Rng b = new Rng(5);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertNotEquals(Rng.derive(1, 0, 1), Rng.derive(1, 1, 0));
        assertNotEquals(Rng.derive(1, 2), Rng.derive(2, 2));
        assertEquals(Rng.derive(9, 3, 4), Rng.derive(9, 3, 4));
    }

    /** A value pinned from this implementation: any change to the generator breaks reproducibility of old runs. */
    @Test
    void streamIsPinned() {
        assertEquals(new Rng(0).nextLong(), new Rng(0).nextLong());
        long first = new Rng(0).nextLong();
        assertEquals(0xE220A8397B1DCDAFL, first, Long.toHexString(first));
    }

    @Test
    void momentsOfUniformAndGaussian() {
        Rng r = new Rng(11);
        int n = 200_000;
        double su = 0;
        double sg = 0;
        double sg2 = 0;
        for (int i = 0; i < n; i++) {
            float u = r.nextFloat();
            assertTrue(u >= 0f && u < 1f);
            su += u;
            double g = r.nextGaussian();
            sg += g;
            sg2 += g * g;
        }
        assertEquals(0.5, su / n, 0.005);
        assertEquals(0.0, sg / n, 0.01);
        assertEquals(1.0, sg2 / n, 0.01);
    }

    @Test
    void nextIntIsInRangeAndShuffleIsAPermutation() {
        Rng r = new Rng(2);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        for (int c : counts) {
            assertEquals(10_000, c, 400);
        }
        int[] p = new int[50];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        r.shuffle(p);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertTrue(!Arrays.equals(identity, p));
    }
}
