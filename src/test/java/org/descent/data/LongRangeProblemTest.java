package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.descent.tensor.Rng;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The deck's long-range problems: every example is what the Javadoc defines, drawn reproducibly from its stream. */
class LongRangeProblemTest {
    @Test
    void additionAndMultiplicationMarkTwoStepsInTheirRangesAndTargetTheirSumOrProduct() {
        for (String kind : new String[] {"addition", "multiplication"}) {
            LongRangeProblem p = LongRangeProblem.of(kind, 80, 0, 0);
            assertEquals(Shape.of(80, 2), p.shape());
            assertEquals(1, p.labelWidth());
            Rng rng = new Rng(5);
            float[] x = new float[160];
            float[] y = new float[1];
            boolean[] firstSeen = new boolean[8];
            int secondMin = 80;
            int secondMax = -1;
            for (int i = 0; i < 2000; i++) {
                p.example(rng, x, 0, y, 0);
                int first = -1;
                int second = -1;
                for (int t = 0; t < 80; t++) {
                    float v = x[2 * t];
                    assertTrue(v >= 0 && v < 1, "value in [0, 1)");
                    if (x[2 * t + 1] == 1f) {
                        if (first < 0) {
                            first = t;
                        } else {
                            assertEquals(-1, second, "exactly two markers");
                            second = t;
                        }
                    } else {
                        assertEquals(0f, x[2 * t + 1]);
                    }
                }
                assertTrue(first >= 0 && first < 8, kind + ": first marker among the first T/10 steps, at " + first);
                assertTrue(second >= 8 && second < 40, kind + ": second marker in [T/10, T/2), at " + second);
                firstSeen[first] = true;
                secondMin = Math.min(secondMin, second);
                secondMax = Math.max(secondMax, second);
                float a = x[2 * first];
                float b = x[2 * second];
                assertEquals(kind.equals("addition") ? a + b : a * b, y[0], 0f);
            }
            for (boolean seen : firstSeen) {
                assertTrue(seen, "every early position is drawn");
            }
            assertEquals(8, secondMin);
            assertEquals(39, secondMax);
        }
    }

    @Test
    void memorizationShowsTheSymbolsThenBlanksThenGoAndTargetsTheLastSteps() {
        LongRangeProblem mem20 = LongRangeProblem.of("memorization", 80, 10, 4);
        assertEquals(Shape.of(100, 6), mem20.shape());
        assertEquals(100, mem20.labelWidth());
        float[] x = new float[600];
        float[] y = new float[100];
        Rng rng = new Rng(3);
        int[] counts = new int[4];
        for (int i = 0; i < 500; i++) {
            mem20.example(rng, x, 0, y, 0);
            for (int t = 0; t < 100; t++) {
                float sum = 0;
                int hot = -1;
                for (int f = 0; f < 6; f++) {
                    sum += x[t * 6 + f];
                    if (x[t * 6 + f] == 1f) {
                        hot = f;
                    }
                }
                assertEquals(1f, sum, "one-hot at step " + t);
                if (t < 10) {
                    assertTrue(hot < 4, "a symbol at step " + t);
                    assertEquals(hot, y[90 + t], 0f, "the target of recall step " + (90 + t) + " is symbol " + t);
                    counts[hot]++;
                } else if (t == 89) {
                    assertEquals(5, hot, "go at step N + T - 1");
                } else {
                    assertEquals(4, hot, "blank at step " + t);
                }
                if (t < 90) {
                    assertEquals(-1f, y[t], "no target at step " + t);
                }
            }
        }
        for (int c : counts) {
            assertTrue(c > 1100 && c < 1400, "symbols are uniform: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void examplesDependOnlyOnTheStream() {
        LongRangeProblem mem5 = LongRangeProblem.of("memorization", 200, 5, 2);
        float[] a = new float[mem5.shape().size()];
        float[] b = new float[a.length];
        float[] ya = new float[mem5.labelWidth()];
        float[] yb = new float[ya.length];
        mem5.example(new Rng(11), a, 0, ya, 0);
        mem5.example(new Rng(11), b, 0, yb, 0);
        assertArrayEquals(a, b);
        assertArrayEquals(ya, yb);
    }

    @Test
    void otherKindsAreNotProblemsAndBadSizesAreOneLine() {
        assertNull(LongRangeProblem.of("gaussian", 80, 5, 2));
        assertEquals("data.synthetic.steps = 2 is too short for addition (at least 4)",
                assertThrows(IllegalArgumentException.class, () -> LongRangeProblem.of("addition", 2, 5, 2)).getMessage());
        assertEquals("memorization needs data.synthetic.symbols ≥ 1 and data.synthetic.alphabet ≥ 2, got 0 and 2",
                assertThrows(IllegalArgumentException.class, () -> LongRangeProblem.of("memorization", 80, 0, 2)).getMessage());
    }
}
