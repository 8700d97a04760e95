package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** A 2-channel 3×4 image with distinct values 1 … 24. */
    private static float[] image() {
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** The reference: {@code x'[c][h][w] = x[c][h − dy][w − dx]}, 0 outside, computed out of place. */
    private static float[] shifted(float[] x, int dy, int dx) {
        float[] out = new float[x.length];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 3; h++) {
                for (int w = 0; w < 4; w++) {
                    int sh = h - dy;
                    int sw = w - dx;
                    out[c * 12 + h * 4 + w] = sh >= 0 && sh < 3 && sw >= 0 && sw < 4 ? x[c * 12 + sh * 4 + sw] : 0f;
                }
            }
        }
        return out;
    }

    /** Every in-place translation equals the out-of-place formula, whatever the signs of (dy, dx). */
    @Test
    void shiftsInPlaceEqualTheFormula() {
        Augmentation a = Augmentation.of(List.of("shift(2)"), Shape.of(2, 3, 4));
        Rng rng = new Rng(7);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int trial = 0; trial < 400; trial++) {
            long seed = trial;
            // The same draws the augmentation makes: dy, then dx, uniform in {-2 … 2}.
            Rng probe = new Rng(seed);
            int dy = probe.nextInt(5) - 2;
            int dx = probe.nextInt(5) - 2;
            float[] x = image();
            a.apply(x, 0, rng.reset(seed));
            assertArrayEquals(shifted(image(), dy, dx), x, "dy " + dy + ", dx " + dx);
            seen.add(dy + "," + dx);
        }
        assertEquals(25, seen.size(), "every shift in {-2 … 2}² was drawn");
    }

    @Test
    void hflipMirrorsEveryRowOrNothing() {
        Augmentation a = Augmentation.of(List.of("hflip"), Shape.of(2, 3, 4));
        int flipped = 0;
        for (long seed = 0; seed < 200; seed++) {
            float[] x = image();
            a.apply(x, 0, new Rng(seed));
            if (x[0] != 1f) {
                flipped++;
                assertArrayEquals(new float[] {4, 3, 2, 1}, java.util.Arrays.copyOfRange(x, 0, 4));
                assertArrayEquals(new float[] {24, 23, 22, 21}, java.util.Arrays.copyOfRange(x, 20, 24));
            } else {
                assertArrayEquals(image(), x);
            }
        }
        assertTrue(flipped > 70 && flipped < 130, "about half flipped: " + flipped);
    }

    @Test
    void appliesAtAnOffsetAndLeavesTheRestAlone() {
        Augmentation a = Augmentation.of(List.of("hflip", "shift(1)"), Shape.of(2, 3, 4));
        float[] batch = new float[48];
        java.util.Arrays.fill(batch, -5f);
        System.arraycopy(image(), 0, batch, 24, 24);
        a.apply(batch, 24, new Rng(3));
        for (int i = 0; i < 24; i++) {
            assertEquals(-5f, batch[i]);
        }
    }

    @Test
    void badSpecsAndShapesAreOneLineErrors() {
        assertNull(Augmentation.of(List.of(), Shape.of(784)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Augmentation.check(List.of("hflip", "rotate(10)")))
                .getMessage().contains("unknown transformation rotate(10); accepted: hflip, shift(k)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Augmentation.of(List.of("hflip"), Shape.of(784)))
                .getMessage().contains("set model.inputShape"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Augmentation.of(List.of("shift(3)"), Shape.of(1, 3, 4)))
                .getMessage().contains("shifts by the whole"));
    }
}
