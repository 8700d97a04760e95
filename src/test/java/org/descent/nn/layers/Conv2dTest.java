package org.descent.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Kernel;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.descent.testing.Reference;
import org.junit.jupiter.api.Test;

class Conv2dTest {
    @Test
    void oneChannelThreeByThreeAgainstAHandResult() {
        // x = 1..9 in a 3×3 image, 2×2 kernel [[1,0],[0,-1]], bias 0.5, stride 1, no padding:
        // y[h][w] = x[h][w] − x[h+1][w+1] + 0.5 = −4 + 0.5 everywhere.
        Sequential m = new Sequential(Shape.of(1, 3, 3), List.of(new Conv2d(1, 2, 2, 1, 0)));
        assertEquals(Shape.of(1, 2, 2), m.outputShape());
        float[] p = {1, 0, 0, -1, 0.5f};
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] y = m.newNetwork().forward(new StepContext(p, new float[5], new float[0], new double[0]), x, 1);
        assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, java.util.Arrays.copyOf(y, 4));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new Conv2d(3, 3, 3, 1, 1), Shape.of(2, 5, 5), 2).run(mode);
            GradientCheck.of(new Conv2d(2, 3, 2, 2, 1), Shape.of(3, 6, 5), 2).run(mode);
            GradientCheck.of(new Conv2d(4, 1, 1, 1, 0), Shape.of(2, 3, 3), 3).run(mode);
            // Sixteen channels at 3×3, stride 1: Winograd's F(2×2, 3×3).
            GradientCheck.of(new Conv2d(3, 3, 3, 1, 1), Shape.of(16, 5, 4), 2).run(mode);
        }
    }

    /**
     * Over 16 channels float sums run Winograd's F(2×2, 3×3) and exact sums the direct products; a backward in the
     * other mode than its forward (no caller does that today) still gives the gradients, to float rounding.
     */
    @Test
    void floatAndExactStepsMixInEitherOrder() {
        Shape in = Shape.of(16, 5, 6);
        Conv2d conv = new Conv2d(3, 3, 3, 1, 1);
        assertTrue(conv.runsWinograd(in));
        Sequential m = new Sequential(in, List.of(conv));
        org.descent.tensor.Rng rng = new org.descent.tensor.Rng(11);
        float[] p = new float[m.paramCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextFloat() - 0.5f;
        }
        int n = 2;
        float[] x = new float[n * in.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat() - 0.5f;
        }
        float[] dy = new float[n * m.outputShape().size()];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = rng.nextFloat() - 0.5f;
        }
        float[][] grads = new float[4][];
        float[][] dxs = new float[4][];
        float[][] ys = new float[4][];
        for (int run = 0; run < 4; run++) {
            boolean exactForward = (run & 1) != 0;
            boolean exactBackward = (run & 2) != 0;
            Kernel k = conv.kernel(in, m.slot(0));
            StepContext ctx = new StepContext(p, new float[p.length], new float[0], new double[0]);
            ctx.exactGrads = exactForward ? new double[p.length] : null;
            ys[run] = new float[dy.length];
            k.forward(ctx, n, x, ys[run]);
            ctx.exactGrads = exactBackward ? new double[p.length] : null;
            dxs[run] = new float[x.length];
            k.backward(ctx, n, x, ys[run], dy, dxs[run]);
            grads[run] = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                grads[run][i] = exactBackward ? (float) ctx.exactGrads[i] : ctx.grads[i];
            }
        }
        for (int run = 1; run < 4; run++) {
            Reference.assertClose(ys[0], ys[run], "forward, run " + run);
            Reference.assertClose(dxs[0], dxs[run], "input gradient, run " + run);
            Reference.assertClose(grads[0], grads[run], "parameter gradients, run " + run);
        }
    }

    @Test
    void shapeErrorsNameTheProblem() {
        Conv2d c = new Conv2d(2, 5, 5, 1, 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.outputShape(Shape.of(784))).getMessage().contains("[C, H, W]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.outputShape(Shape.of(1, 3, 3))).getMessage().contains("larger"));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(0, 3, 3, 1, 0));
    }

    /** Forward and all three gradients against PyTorch 1.13 (scripts/reference/conv.py). */
    @Test
    void agreesWithPyTorch() {
        JsonNode root = Reference.load("conv2d.json");
        assertTrue(root.size() >= 5);
        for (JsonNode c : root) {
            int n = c.get("n").asInt();
            int[] shape = {c.get("c").asInt(), c.get("h").asInt(), c.get("w").asInt()};
            Conv2d conv = new Conv2d(c.get("out").asInt(), c.get("kh").asInt(), c.get("kw").asInt(), c.get("stride").asInt(), c.get("padding").asInt());
            Sequential m = new Sequential(Shape.of(shape), List.of(conv));
            float[] w = Reference.floats(c.get("weight"));
            float[] b = Reference.floats(c.get("bias"));
            float[] p = new float[w.length + b.length];
            System.arraycopy(w, 0, p, 0, w.length);
            System.arraycopy(b, 0, p, w.length, b.length);
            float[] x = Reference.floats(c.get("x"));
            StepContext ctx = new StepContext(p, new float[p.length], new float[0], new double[0]);
            Kernel k = conv.kernel(Shape.of(shape), m.slot(0));
            float[] y = new float[n * m.outputShape().size()];
            k.forward(ctx, n, x, y);
            String name = c.get("name").asText();
            Reference.assertClose(Reference.floats(c.get("y")), y, name + " forward");
            float[] dx = new float[x.length];
            k.backward(ctx, n, x, y, Reference.floats(c.get("dy")), dx);
            Reference.assertClose(Reference.floats(c.get("dx")), dx, name + " input gradient");
            Reference.assertClose(Reference.floats(c.get("dweight")), java.util.Arrays.copyOf(ctx.grads, w.length), name + " weight gradient");
            Reference.assertClose(Reference.floats(c.get("dbias")), java.util.Arrays.copyOfRange(ctx.grads, w.length, p.length), name + " bias gradient");
        }
    }


}
