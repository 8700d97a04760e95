package org.descent.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.descent.tensor.Rng;
import org.descent.testing.Reference;
import org.junit.jupiter.api.Test;

/** Every loss: PyTorch 1.13 values and gradients, finite differences, label validation; and accuracy. */
class LossesTest {
    @Test
    void agreeWithPyTorch() {
        JsonNode root = Reference.load("losses.json");
        assertEquals(5, root.size());
        for (JsonNode c : root) {
            int n = c.get("n").asInt();
            int k = c.get("k").asInt();
            // The per-step case: a sequence output [T, K] with one label per step, -1 where a step has no target.
            int steps = c.has("steps") ? c.get("steps").asInt() : 0;
            Loss loss = steps > 0 ? Losses.forOutput(c.get("name").asText(), org.descent.tensor.Shape.of(steps, k / steps)) : Losses.byName(c.get("name").asText());
            assertEquals(steps > 0 ? steps : c.get("name").asText().equals("squared_error") || c.get("name").asText().equals("binary_cross_entropy") ? k : 1,
                    loss.labelWidth(k), loss + " labels per example");
            float[] z = Reference.floats(c.get("logits"));
            float[] labels = Reference.floats(c.get("labels"));
            float[] grad = new float[n * k];
            double value = loss.evaluate(z, labels, n, k, grad);
            assertEquals(c.get("value").asDouble(), value, 1e-5 * Math.abs(c.get("value").asDouble()), loss.name());
            float[] expected = Reference.floats(c.get("grad"));
            for (int i = 0; i < grad.length; i++) {
                assertEquals(expected[i], grad[i], 1e-6, loss.name() + " gradient " + i);
            }
            assertTrue(Double.isFinite(loss.evaluate(z, labels, n, k, null)));
        }
    }

    /** Central differences in double on float inputs: h = 1e-3 keeps round-off (~1e-7/h) well below 1e-3. */
    @Test
    void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(9);
        int n = 4;
        int k = 3;
        for (String name : new String[] {"softmax_cross_entropy", "binary_cross_entropy", "squared_error", "hinge"}) {
            Loss loss = Losses.byName(name);
            float[] z = new float[n * k];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (rng.nextGaussian() * 2);
            }
            float[] labels = new float[n * loss.labelWidth(k)];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = loss.labelWidth(k) == 1 ? rng.nextInt(k) : rng.nextFloat();
            }
            float[] grad = new float[z.length];
            loss.evaluate(z, labels, n, k, grad);
            for (int i = 0; i < z.length; i++) {
                float saved = z[i];
                z[i] = saved + 1e-3f;
                double plus = loss.evaluate(z, labels, n, k, null);
                z[i] = saved - 1e-3f;
                double minus = loss.evaluate(z, labels, n, k, null);
                z[i] = saved;
                double numeric = (plus - minus) / ((double) (saved + 1e-3f) - (double) (saved - 1e-3f));
                assertEquals(numeric, grad[i], 2e-3, name + " coordinate " + i);
            }
        }
    }

    @Test
    void binaryHingeUsesSignedLabels() {
        Hinge h = new Hinge();
        float[] grad = new float[3];
        double v = h.evaluate(new float[] {0.5f, 2f, 0.5f}, new float[] {1f, 0f, -1f}, 3, 1, grad);
        assertEquals(0.5 + 3 + 1.5, v, 1e-6);
        assertEquals(-1f, grad[0]);
        assertEquals(1f, grad[1]);
    }

    @Test
    void badLabelsNameTheExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy().evaluate(new float[6], new float[] {1, 3}, 2, 3, null));
        assertTrue(e.getMessage().contains("example 1") && e.getMessage().contains("3.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy().evaluate(new float[3], new float[] {0.5f}, 1, 3, null));
        assertThrows(IllegalArgumentException.class, () -> new BinaryCrossEntropy().evaluate(new float[1], new float[] {2f}, 1, 1, null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Losses.byName("cross_entropi")).getMessage().contains("cross_entropy"));
    }

    @Test
    void accuracyCountsArgMaxWithTiesToTheLowestIndex() {
        float[] out = {0.1f, 0.7f, 0.2f, 0.5f, 0.5f, 0f, 1f, 0f, 0f};
        assertEquals(2, Accuracy.count(out, new float[] {1, 0, 1}, 3, 3));
        assertEquals(3, Accuracy.count(out, new float[] {1, 0, 0}, 3, 3));
        assertEquals(1, Accuracy.count(new float[] {2f, -1f}, new float[] {1, 1}, 2, 1));
    }

}
