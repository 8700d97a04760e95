package org.descent.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * A graph under construction: initializers (constant tensors), nodes in topological order, and the name
 * of the tensor the next node reads ({@link #current()}). Node and tensor names are prefixed with the
 * layer they come from (e.g. {@code 3.conv2d.weight}) so a viewer such as Netron shows the model's layers.
 */
final class OnnxGraph {
    /** The symbolic batch dimension of inputs and outputs. */
    static final String BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private String current;
    private int nodes;

    OnnxGraph(String name, String input, int features) {
        graph.setName(name);
        graph.addInput(value(input, TensorProto.DataType.FLOAT, features));
        current = input;
    }

    /** The tensor the next node reads. */
    String current() {
        return current;
    }

    /** A float initializer of the given dims holding {@code data[offset, offset + Π dims)}, as little-endian raw data. */
    String floats(String name, float[] data, int offset, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        long count = 1;
        for (long d : dims) {
            t.addDims(d);
            count *= d;
        }
        ByteBuffer raw = ByteBuffer.allocate(Math.toIntExact(4 * count)).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data, offset, (int) count);
        graph.addInitializer(t.setRawData(ByteString.copyFrom(raw.array())));
        return name;
    }

    /** A float initializer filled with {@code value}. */
    String constant(String name, float value, int count) {
        float[] v = new float[count];
        java.util.Arrays.fill(v, value);
        return floats(name, v, 0, count);
    }

    /** An int64 initializer (shapes for {@code Reshape}). */
    String longs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Appends a node reading {@link #current()} and then {@code extraInputs}; its output becomes current. */
    String apply(String opType, String output, List<String> extraInputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(output + "#" + nodes++).addInput(current).addAllInput(extraInputs)
                .addOutput(output);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        current = output;
        return output;
    }

    /**
     * Appends a node reading {@link #current()} and then {@code extraInputs} (an empty name is an omitted optional
     * input), with several outputs; {@code outputs[keep]} becomes current.
     */
    String applyOutputs(String opType, List<String> outputs, int keep, List<String> extraInputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(outputs.get(keep) + "#" + nodes++).addInput(current)
                .addAllInput(extraInputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        current = outputs.get(keep);
        return current;
    }

    /** Appends a node reading {@code input} (not necessarily current) that leaves current unchanged. */
    String branch(String opType, String input, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(output + "#" + nodes++).addInput(input).addOutput(output);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** Declares {@code name} a graph output of shape {@code [N, width]} (or {@code [N]} when width is 0). */
    void output(String name, TensorProto.DataType type, int width) {
        graph.addOutput(value(name, type, width));
    }

    void docString(String doc) {
        graph.setDocString(doc);
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto real(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) value).build();
    }

    private static ValueInfoProto value(String name, TensorProto.DataType type, int width) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        if (width > 0) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
