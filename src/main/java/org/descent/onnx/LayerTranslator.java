package org.descent.onnx;

import static org.descent.onnx.OnnxGraph.integer;
import static org.descent.onnx.OnnxGraph.ints;
import static org.descent.onnx.OnnxGraph.real;

import java.util.List;
import org.descent.nn.Layer;
import org.descent.nn.Sequential;
import org.descent.nn.layers.AvgPool2d;
import org.descent.nn.layers.Conv2d;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.Dropout;
import org.descent.nn.layers.ELU;
import org.descent.nn.layers.Flatten;
import org.descent.nn.layers.LeakyReLU;
import org.descent.nn.layers.MaxPool2d;
import org.descent.nn.layers.ReLU;
import org.descent.nn.layers.Sigmoid;
import org.descent.nn.layers.Softmax;
import org.descent.nn.layers.Tanh;
import org.descent.nn.norm.BatchNorm;
import org.descent.nn.norm.GroupNorm;
import org.descent.nn.norm.InstanceNorm;
import org.descent.nn.norm.LayerNorm;
import org.descent.nn.recurrent.RecurrentLayer;
import org.descent.tensor.Shape;

/**
 * Each layer of a model as ONNX nodes (opset {@value OnnxExporter#OPSET}), in evaluation mode. A tensor of
 * Descent's per-example shape {@code [F]} or {@code [C, H, W]} is an ONNX tensor {@code [N, F]} or
 * {@code [N, C, H, W]} with the same row-major layout, and weights keep PyTorch's layout, so:
 * <ul>
 *   <li>dense → (Flatten) Gemm with {@code transB = 1}, or on a sequence {@code [N, T, F]} MatMul with Wᵀ and Add; conv2d → Conv (pads on all four sides);
 *       maxpool2d / avgpool2d → MaxPool / AveragePool (no padding, floor);</li>
 *   <li>relu, sigmoid, tanh, elu(α), leaky_relu(a) → Relu, Sigmoid, Tanh, Elu, LeakyRelu; softmax over all of an
 *       example's values → Softmax on axis 1 (between a Flatten and a Reshape for a feature map); dropout → nothing
 *       (the identity in evaluation); flatten → Flatten;</li>
 *   <li>batch_norm → BatchNormalization with the running (or population) mean and variance;
 *       layer_norm → LayerNormalization over every axis after the batch (opset 17);
 *       instance_norm → InstanceNormalization (γ = 1, β = 0 when not affine);
 *       group_norm(G) → Reshape to {@code [N, G, −1]}, InstanceNormalization with unit scale, Reshape back, then Mul γ
 *       and Add β per channel (GroupNormalization itself needs opset 18, and its scale was per group until opset 21);</li>
 *   <li>rnn, lstm, gru (all steps or {@code last}) → RNN, LSTM, GRU between Transposes to and from time-major.</li>
 * </ul>
 */
final class LayerTranslator {
    private final Sequential model;
    private final float[] params;
    private final float[] buffers;
    private final OnnxGraph g;

    LayerTranslator(Sequential model, float[] params, float[] buffers, OnnxGraph graph) {
        this.model = model;
        this.params = params;
        this.buffers = buffers;
        this.g = graph;
    }

    /**
     * Appends layer {@code i}'s nodes.
     *
     * @throws IllegalArgumentException one line naming the layer, when it has no ONNX form here
     */
    void translate(int i) {
        Layer layer = model.layers().get(i);
        Shape in = model.shapeBefore(i);
        String name = i + "." + layer.type();
        int p = model.slot(i).paramOffset();
        if (layer instanceof Dense d && in.rank() == 2) {
            // Step by step over a sequence [N, T, F]: MatMul with Wᵀ [F, units], then the bias.
            int f = in.dim(1);
            float[] transposed = new float[f * d.units()];
            for (int o = 0; o < d.units(); o++) {
                for (int k = 0; k < f; k++) {
                    transposed[k * d.units() + o] = params[p + o * f + k];
                }
            }
            g.apply("MatMul", name + ".product", List.of(g.floats(name + ".weight_t", transposed, 0, f, d.units())));
            g.apply("Add", name, List.of(g.floats(name + ".bias", params, p + d.units() * f, d.units())));
        } else if (layer instanceof Dense d) {
            if (in.rank() > 1) {
                g.apply("Flatten", name + ".flat", List.of(), integer("axis", 1));
            }
            int fanIn = in.size();
            String w = g.floats(name + ".weight", params, p, d.units(), fanIn);
            String b = g.floats(name + ".bias", params, p + d.units() * fanIn, d.units());
            g.apply("Gemm", name, List.of(w, b), integer("transB", 1));
        } else if (layer instanceof Conv2d c) {
            int inC = in.dim(0);
            int wSize = c.outChannels() * inC * c.kernelH() * c.kernelW();
            String w = g.floats(name + ".weight", params, p, c.outChannels(), inC, c.kernelH(), c.kernelW());
            String b = g.floats(name + ".bias", params, p + wSize, c.outChannels());
            int pad = c.padding();
            g.apply("Conv", name, List.of(w, b), ints("kernel_shape", c.kernelH(), c.kernelW()), ints("strides", c.stride(), c.stride()),
                    ints("pads", pad, pad, pad, pad));
        } else if (layer instanceof MaxPool2d m) {
            g.apply("MaxPool", name, List.of(), ints("kernel_shape", m.size(), m.size()), ints("strides", m.stride(), m.stride()));
        } else if (layer instanceof AvgPool2d a) {
            g.apply("AveragePool", name, List.of(), ints("kernel_shape", a.size(), a.size()), ints("strides", a.stride(), a.stride()));
        } else if (layer instanceof Flatten) {
            g.apply("Flatten", name, List.of(), integer("axis", 1));
        } else if (layer instanceof ReLU) {
            g.apply("Relu", name, List.of());
        } else if (layer instanceof Sigmoid) {
            g.apply("Sigmoid", name, List.of());
        } else if (layer instanceof Tanh) {
            g.apply("Tanh", name, List.of());
        } else if (layer instanceof ELU e) {
            g.apply("Elu", name, List.of(), real("alpha", e.alpha()));
        } else if (layer instanceof LeakyReLU l) {
            g.apply("LeakyRelu", name, List.of(), real("alpha", l.slope()));
        } else if (layer instanceof Softmax) {
            softmax(name, in);
        } else if (layer instanceof Dropout) {
            return;
        } else if (layer instanceof BatchNorm bn) {
            int c = in.channels();
            int buf = model.slot(i).bufferOffset();
            g.apply("BatchNormalization", name, List.of(g.floats(name + ".weight", params, p, c), g.floats(name + ".bias", params, p + c, c),
                    g.floats(name + ".running_mean", buffers, buf, c), g.floats(name + ".running_var", buffers, buf + c, c)), real("epsilon", bn.eps()));
        } else if (layer instanceof LayerNorm ln) {
            long[] dims = longs(in.dims());
            String scale = g.floats(name + ".weight", params, p, dims);
            String bias = g.floats(name + ".bias", params, p + in.size(), dims);
            g.apply("LayerNormalization", name, List.of(scale, bias), integer("axis", 1), real("epsilon", ln.eps()));
        } else if (layer instanceof InstanceNorm inorm) {
            int c = in.channels();
            List<String> affine = inorm.affine()
                    ? List.of(g.floats(name + ".weight", params, p, c), g.floats(name + ".bias", params, p + c, c))
                    : List.of(g.constant(name + ".unit_scale", 1f, c), g.constant(name + ".zero_bias", 0f, c));
            g.apply("InstanceNormalization", name, affine, real("epsilon", inorm.eps()));
        } else if (layer instanceof GroupNorm gn) {
            groupNorm(name, in, gn, p);
        } else if (layer instanceof RecurrentLayer r) {
            recurrent(name, in, r, p);
        } else {
            throw new IllegalArgumentException("layer " + i + " (" + layer.type() + ", input " + in + "): ONNX export does not support this layer type; "
                    + "supported: dense, conv2d, maxpool2d, avgpool2d, flatten, relu, sigmoid, tanh, elu, leaky_relu, softmax, dropout, "
                    + "batch_norm, layer_norm, instance_norm, group_norm, rnn, lstm, gru");
        }
    }

    /**
     * rnn / lstm / gru over {@code [N, T, F]}: Transpose to ONNX's time-major {@code [T, N, F]}, the RNN / LSTM / GRU
     * node (one direction, {@code W [1, G·H, F]}, {@code R [1, G·H, H]}, {@code B [1, 2·G·H]}, the gate blocks reordered
     * from PyTorch's (i, f, g, o) to ONNX's (i, o, f, c) and from (r, z, n) to (z, r, h), GRU with
     * {@code linear_before_reset = 1} as PyTorch), then every step's state {@code Y [T, 1, N, H]} squeezed and transposed
     * back to {@code [N, T, H]}, or with {@code last} the final state {@code Y_h [1, N, H]} squeezed to {@code [N, H]}.
     */
    private void recurrent(String name, Shape in, RecurrentLayer r, int p) {
        int f = in.dim(1);
        int h = r.hidden();
        int gates = r.gates();
        int[] order = switch (r.type()) {
            case "lstm" -> new int[] {0, 3, 1, 2};
            case "gru" -> new int[] {1, 0, 2};
            default -> new int[] {0};
        };
        int wih = p;
        int whh = wih + gates * h * f;
        int bih = whh + gates * h * h;
        int bhh = bih + gates * h;
        float[] w = new float[gates * h * f];
        float[] rec = new float[gates * h * h];
        float[] b = new float[2 * gates * h];
        for (int block = 0; block < gates; block++) {
            int from = order[block];
            System.arraycopy(params, wih + from * h * f, w, block * h * f, h * f);
            System.arraycopy(params, whh + from * h * h, rec, block * h * h, h * h);
            System.arraycopy(params, bih + from * h, b, block * h, h);
            System.arraycopy(params, bhh + from * h, b, (gates + block) * h, h);
        }
        g.apply("Transpose", name + ".time_major", List.of(), ints("perm", 1, 0, 2));
        List<String> inputs = List.of(g.floats(name + ".W", w, 0, 1, gates * h, f), g.floats(name + ".R", rec, 0, 1, gates * h, h),
                g.floats(name + ".B", b, 0, 1, 2 * gates * h));
        String op = switch (r.type()) {
            case "lstm" -> "LSTM";
            case "gru" -> "GRU";
            default -> "RNN";
        };
        List<String> outputs = List.of(name + ".Y", name + ".Y_h");
        if (r.type().equals("gru")) {
            g.applyOutputs(op, outputs, r.lastOnly() ? 1 : 0, inputs, integer("hidden_size", h), integer("linear_before_reset", 1));
        } else {
            g.applyOutputs(op, outputs, r.lastOnly() ? 1 : 0, inputs, integer("hidden_size", h));
        }
        if (r.lastOnly()) {
            g.apply("Squeeze", name, List.of(g.longs(name + ".direction_axis", 0)));
        } else {
            g.apply("Squeeze", name + ".steps", List.of(g.longs(name + ".direction_axis", 1)));
            g.apply("Transpose", name, List.of(), ints("perm", 1, 0, 2));
        }
    }

    private void softmax(String name, Shape in) {
        if (in.rank() == 1) {
            g.apply("Softmax", name, List.of(), integer("axis", 1));
            return;
        }
        g.apply("Flatten", name + ".flat", List.of(), integer("axis", 1));
        g.apply("Softmax", name + ".rows", List.of(), integer("axis", 1));
        g.apply("Reshape", name, List.of(g.longs(name + ".shape", batchShape(in))));
    }

    private void groupNorm(String name, Shape in, GroupNorm gn, int p) {
        int c = in.channels();
        int groups = gn.groups();
        g.apply("Reshape", name + ".grouped", List.of(g.longs(name + ".group_shape", 0, groups, -1)));
        g.apply("InstanceNormalization", name + ".normalized", List.of(g.constant(name + ".unit_scale", 1f, groups), g.constant(name + ".zero_bias", 0f, groups)),
                real("epsilon", gn.eps()));
        g.apply("Reshape", name + ".ungrouped", List.of(g.longs(name + ".shape", batchShape(in))));
        long[] perChannel = in.rank() == 1 ? new long[] {c} : new long[] {c, 1, 1};
        g.apply("Mul", name + ".scaled", List.of(g.floats(name + ".weight", params, p, perChannel)));
        g.apply("Add", name, List.of(g.floats(name + ".bias", params, p + c, perChannel)));
    }

    /** {@code [0, dims…]}: Reshape's target for a batch of examples of shape {@code in} (0 keeps the batch size). */
    static long[] batchShape(Shape in) {
        long[] s = new long[in.rank() + 1];
        for (int k = 0; k < in.rank(); k++) {
            s[k + 1] = in.dim(k);
        }
        return s;
    }

    private static long[] longs(int[] dims) {
        long[] l = new long[dims.length];
        for (int k = 0; k < dims.length; k++) {
            l[k] = dims[k];
        }
        return l;
    }
}
