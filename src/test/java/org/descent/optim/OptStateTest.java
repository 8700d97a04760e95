package org.descent.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.descent.landscape.Beale;
import org.descent.landscape.TestFunction;
import org.descent.nn.ParamLayout;
import org.junit.jupiter.api.Test;

/** Optimizer state is plain data: it serializes exactly, and resuming from a copy equals an uninterrupted run. */
class OptStateTest {
    private static float[] run(GradientTransform opt, OptState state, float[] p, long from, long to) {
        TestFunction f = new Beale();
        double[] g = new double[2];
        for (long t = from; t < to; t++) {
            f.gradient(p[0], p[1], g);
            float[] u = {(float) g[0], (float) g[1]};
            opt.update(u, state, p, t);
            p[0] += u[0];
            p[1] += u[1];
        }
        return p;
    }

    @Test
    void resumingFromASerializedStateIsBitIdentical() throws IOException, ClassNotFoundException {
        for (String name : Optimizers.names()) {
            GradientTransform opt = Optimizers.create(name, Map.of("learningRate", 1e-3));
            OptState s = opt.init(ParamLayout.flat(2));
            float[] straight = run(opt, s, new float[] {1f, 1.5f}, 0, 100);

            OptState first = opt.init(ParamLayout.flat(2));
            float[] p = run(opt, first, new float[] {1f, 1.5f}, 0, 40);
            OptState restored = roundTrip(first);
            assertEquals(first, restored, name);
            float[] resumed = run(opt, restored, p.clone(), 40, 100);
            assertArrayEquals(straight, resumed, name);
            assertEquals(s, restored, name);
        }
    }

    @Test
    void equalityIsBitwise() {
        OptState a = new OptState();
        a.slot("m", 2)[0] = 1f;
        OptState b = a.deepCopy();
        assertEquals(a, b);
        b.slot("m")[0] = Math.nextUp(1f);
        assertNotEquals(a, b);
    }

    private static OptState roundTrip(OptState s) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            return (OptState) in.readObject();
        }
    }
}
