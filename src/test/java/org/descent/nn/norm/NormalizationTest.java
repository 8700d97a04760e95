package org.descent.nn.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.descent.nn.GradientCheck;
import org.descent.nn.Kernel;
import org.descent.nn.Layer;
import org.descent.nn.Mode;
import org.descent.nn.Sequential;
import org.descent.nn.StepContext;
import org.descent.tensor.Shape;
import org.descent.testing.Reference;
import org.junit.jupiter.api.Test;

/** Batch, layer, instance and group normalization: finite differences and PyTorch 1.13 references. */
class NormalizationTest {
    @Test
    void gradientsMatchFiniteDifferencesInTrainingAndEvaluation() {
        for (Mode mode : Mode.values()) {
            GradientCheck.of(new BatchNorm(), Shape.of(5), 6).run(mode);
            GradientCheck.of(new BatchNorm(), Shape.of(3, 3, 2), 3).run(mode);
            GradientCheck.of(new LayerNorm(), Shape.of(7), 3).run(mode);
            GradientCheck.of(new LayerNorm(), Shape.of(2, 3, 2), 2).run(mode);
            GradientCheck.of(new InstanceNorm(), Shape.of(3, 3, 3), 2).run(mode);
            GradientCheck.of(new InstanceNorm(1e-5, false), Shape.of(2, 2, 3), 2).run(mode);
            GradientCheck.of(new GroupNorm(2), Shape.of(4, 2, 2), 2).run(mode);
            GradientCheck.of(new GroupNorm(3), Shape.of(6), 3).run(mode);
        }
    }

    @Test
    void shapeErrorsNameLayerAndShape() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3).outputShape(Shape.of(4, 2, 2)))
                .getMessage().contains("4 channels cannot be split into 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new InstanceNorm().outputShape(Shape.of(10)))
                .getMessage().contains("[C, H, W]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(Shape.of(4, 2, 2), List.of(new GroupNorm(3))));
        assertTrue(e.getMessage().startsWith("layer 0 (group_norm) with input shape [4, 2, 2]"), e.getMessage());
    }

    @Test
    void agreesWithPyTorch() {
        JsonNode root = Reference.load("norm.json");
        assertEquals(5, root.size());
        for (JsonNode c : root) {
            String name = c.get("name").asText();
            int[] dims = new int[c.get("shape").size() - 1];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = c.get("shape").get(i + 1).asInt();
            }
            int n = c.get("shape").get(0).asInt();
            Shape in = Shape.of(dims);
            Layer layer = switch (name) {
                case "batch_norm_1d", "batch_norm_2d" -> new BatchNorm();
                case "layer_norm" -> new LayerNorm();
                case "instance_norm" -> new InstanceNorm();
                default -> new GroupNorm(c.get("groups").asInt());
            };
            Sequential model = new Sequential(in, List.of(layer));
            float[] w = Reference.floats(c.get("weight"));
            float[] b = Reference.floats(c.get("bias"));
            float[] params = new float[w.length + b.length];
            System.arraycopy(w, 0, params, 0, w.length);
            System.arraycopy(b, 0, params, w.length, b.length);
            StepContext ctx = new StepContext(params, new float[params.length], model.initBuffers(), new double[model.statsSize()]);
            Kernel k = layer.kernel(in, model.slot(0));
            float[] x = Reference.floats(c.get("x"));
            float[] y = new float[x.length];
            k.forward(ctx, n, x, y);
            Reference.assertClose(Reference.floats(c.get("y")), y, name + " forward");
            float[] dx = new float[x.length];
            k.backward(ctx, n, x, y, Reference.floats(c.get("dy")), dx);
            Reference.assertClose(Reference.floats(c.get("dx")), dx, name + " input gradient");
            Reference.assertClose(Reference.floats(c.get("dweight")), Arrays.copyOf(ctx.grads, w.length), name + " scale gradient");
            Reference.assertClose(Reference.floats(c.get("dbias")), Arrays.copyOfRange(ctx.grads, w.length, params.length), name + " shift gradient");
            if (c.has("running_mean")) {
                model.updateBuffers(ctx.buffers, ctx.stats);
                int ch = in.channels();
                Reference.assertClose(Reference.floats(c.get("running_mean")), Arrays.copyOf(ctx.buffers, ch), name + " running mean");
                Reference.assertClose(Reference.floats(c.get("running_var")), Arrays.copyOfRange(ctx.buffers, ch, 2 * ch), name + " running variance (unbiased)");
                ctx.mode = Mode.EVAL;
                k.forward(ctx, n, x, y);
                Reference.assertClose(Reference.floats(c.get("y_eval")), y, name + " evaluation forward");
            }
        }
    }


}
