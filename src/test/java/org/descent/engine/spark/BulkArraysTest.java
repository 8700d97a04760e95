package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BulkArraysTest {
    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static float[] floats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        v[0] = Float.NaN;
        v[n - 1] = Float.NEGATIVE_INFINITY;
        return v;
    }

    @Test
    void aStepStateComesBackBitForBitAcrossChunks() throws Exception {
        StepState s = new StepState(floats(70_001, 1), floats(3, 2));   // 70,001 floats: five 64 KB chunks, the last one partial
        StepState back = roundTrip(s);
        assertArrayEquals(s.params(), back.params());
        assertArrayEquals(s.buffers(), back.buffers());
        StepState empty = roundTrip(new StepState(new float[0], new float[0]));
        assertEquals(0, empty.params().length);
    }

    @Test
    void aPartitionResultKeepsItsScalarsAndWhicheverGradientItHas() throws Exception {
        PartitionResult f = new PartitionResult(3, floats(20_000, 3), null, 12.5, 64, new double[] {1, 2, 3}, 7, 8, 9);
        PartitionResult fb = roundTrip(f);
        assertArrayEquals(f.gradSum(), fb.gradSum());
        assertNull(fb.exactGradSum());
        assertArrayEquals(f.stats(), fb.stats());
        assertEquals(3, fb.partition());
        assertEquals(12.5, fb.lossSum());
        assertEquals(64, fb.count());
        assertEquals(7, fb.fetchNanos());
        assertEquals(8, fb.computeNanos());
        assertEquals(9, fb.syncNanos());
        double[] exact = new double[20_000];   // three 64 KB chunks of doubles, the last one partial
        for (int i = 0; i < exact.length; i++) {
            exact[i] = Math.scalb(i * 0.1 - 7, i % 600 - 300);
        }
        exact[1] = Double.MIN_VALUE;
        PartitionResult e = roundTrip(new PartitionResult(0, null, exact, 0, 1, new double[0], 0, 0, 0));
        assertNull(e.gradSum());
        assertArrayEquals(exact, e.exactGradSum());
        assertTrue(e.stats().length == 0);
    }
}
