package org.descent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the PyTorch reference fixtures in src/test/resources/reference/ and compares against them. */
public final class Reference {
    private Reference() {
    }

    /** The parsed fixture {@code /reference/NAME}. */
    public static JsonNode load(String name) {
        try (InputStream in = Reference.class.getResourceAsStream("/reference/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture /reference/" + name + " (see scripts/reference/)");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    /**
     * Element-wise {@code |a − b| ≤ 1e-5 · max(|b|, 1)}: float32 on both sides, sums taken in a
     * different order (Descent accumulates reductions in double).
     */
    public static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }
}
