package org.descent.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * A feed-forward stack of layers over one flat parameter vector. The model is configuration only
 * (serializable, shipped to executors); {@link #newNetwork()} creates the per-thread compute.
 *
 * <p>Three flat arrays belong to a model: parameters ({@link #layout()}), non-trained buffers
 * ({@link #bufferSize()}: batch-norm running statistics) and per-step batch statistics
 * ({@link #statsSize()}: (count, mean, M2) triples).
 */
public final class Sequential implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Shape input;
    private final List<Layer> layers;
    private final Shape[] shapes;
    private final LayerSlot[] slots;
    private final ParamLayout layout;
    private final int bufferSize;
    private final int statsSize;
    private final int firstTrained;

    /**
     * @throws IllegalArgumentException naming the layer (index and type) whose input shape does not fit
     */
    public Sequential(Shape input, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.input = input;
        this.layers = List.copyOf(layers);
        this.shapes = new Shape[layers.size() + 1];
        this.slots = new LayerSlot[layers.size()];
        shapes[0] = input;
        ParamLayout.Builder lb = ParamLayout.builder();
        int p = 0;
        int b = 0;
        int s = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Shape in = shapes[i];
            try {
                shapes[i + 1] = layer.outputShape(in);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + layer.type() + ") with input shape " + in + ": " + e.getMessage(), e);
            }
            slots[i] = new LayerSlot(i, p, b, s);
            for (ParamSpec spec : layer.params(in)) {
                lb.add(i, i + "." + layer.type() + "." + spec.name(), spec);
                p = Math.addExact(p, spec.length());
            }
            b += layer.bufferSize(in);
            int st = layer.statsSize(in);
            if (st % 3 != 0) {
                throw new IllegalStateException("layer " + i + " (" + layer.type() + ") declares statistics that are not (count, mean, M2) triples");
            }
            s += st;
        }
        this.layout = lb.build();
        int first = 0;
        while (first < layers.size() && this.layers.get(first).params(shapes[first]).isEmpty()) {
            first++;
        }
        this.firstTrained = first;
        this.bufferSize = b;
        this.statsSize = s;
    }

    public Shape inputShape() {
        return input;
    }

    public Shape outputShape() {
        return shapes[shapes.length - 1];
    }

    /** The input shape of layer {@code i}; {@code i = size()} gives the model's output shape. */
    public Shape shapeBefore(int i) {
        return shapes[i];
    }

    public List<Layer> layers() {
        return layers;
    }

    public LayerSlot slot(int i) {
        return slots[i];
    }

    public ParamLayout layout() {
        return layout;
    }

    /**
     * The first layer with parameters (the number of layers if none): backward stops there, since the
     * layers before it have no gradient to take and nothing needs ∂L/∂x of the input.
     */
    public int firstTrainedLayer() {
        return firstTrained;
    }

    /**
     * FLOP of one training step's matrix products per example, from the layers' shapes ({@link MultiplyAdds}, two
     * FLOP each): every layer's forward product, the backward products of the layers from the first trained one on,
     * and the input gradients of those after it.
     */
    public long trainingFlopsPerExample() {
        long multiplyAdds = 0;
        for (int i = 0; i < layers.size(); i++) {
            MultiplyAdds m = layers.get(i).multiplyAdds(shapeBefore(i));
            multiplyAdds += m.forward();
            if (i >= firstTrained) {
                multiplyAdds += m.backward();
            }
            if (i > firstTrained) {
                multiplyAdds += m.inputGradient();
            }
        }
        return 2 * multiplyAdds;
    }

    public int paramCount() {
        return layout.size();
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int statsSize() {
        return statsSize;
    }

    /**
     * Initial parameters: each tensor filled by its initializer from a stream derived from
     * (seed, layer index, tensor index), so adding a layer does not change the others' values.
     */
    public float[] initParams(long seed) {
        float[] params = new float[layout.size()];
        int t = 0;
        int lastLayer = -1;
        for (ParamLayout.Segment seg : layout.segments()) {
            t = seg.layer() == lastLayer ? t + 1 : 0;
            lastLayer = seg.layer();
            Rng rng = new Rng(Rng.derive(seed, seg.layer(), t));
            seg.spec().init().fill(params, seg.offset(), seg.spec().shape(), rng);
        }
        return params;
    }

    public float[] initBuffers() {
        float[] buffers = new float[bufferSize];
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initBuffers(shapes[i], buffers, slots[i].bufferOffset());
        }
        return buffers;
    }

    /** Folds merged per-step statistics into the running buffers of every layer that has them. */
    public void updateBuffers(float[] buffers, double[] mergedStats) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).statsSize(shapes[i]) > 0) {
                layers.get(i).updateBuffers(shapes[i], buffers, slots[i].bufferOffset(), mergedStats, slots[i].statsOffset());
            }
        }
    }

    /**
     * Sets every normalization layer's running statistics to population statistics; {@code mean}
     * and {@code variance} have one entry per (count, mean, M2) triple of {@link #statsSize()}.
     */
    public void assignPopulationStatistics(float[] buffers, double[] mean, double[] variance) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).statsSize(shapes[i]) > 0) {
                layers.get(i).assignPopulationStatistics(shapes[i], buffers, slots[i].bufferOffset(), mean, variance, slots[i].statsOffset() / 3);
            }
        }
    }

    /** A new executor for this model (one per thread). */
    public Network newNetwork() {
        return new Network(this);
    }

    /** A multi-line table: index, type, output shape, parameter count. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-4s %-14s %-18s %s%n", "#", "layer", "output", "params"));
        sb.append(String.format("%-4s %-14s %-18s %s%n", "", "input", input, ""));
        for (int i = 0; i < layers.size(); i++) {
            int count = 0;
            for (ParamSpec ps : layers.get(i).params(shapes[i])) {
                count += ps.length();
            }
            sb.append(String.format("%-4d %-14s %-18s %d%n", i, layers.get(i).type(), shapes[i + 1], count));
        }
        sb.append("total parameters: ").append(layout.size());
        return sb.toString();
    }

    /** The most layers after one that a {@link Layer#kernelThrough fused kernel} spans. */
    private static final int LONGEST_FUSION = 2;

    /**
     * One kernel per layer, for one thread. Where a layer computes the next ones too ({@link Layer#kernelThrough}, the
     * longest fusion first), it and all but the last of them get {@link Kernel#passesThrough pass-through} kernels and
     * the last one the fused kernel.
     */
    public List<Kernel> newKernels() {
        List<Kernel> ks = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Kernel fused = null;
            int span = Math.min(LONGEST_FUSION, layers.size() - 1 - i);
            for (; span > 0; span--) {
                fused = layers.get(i).kernelThrough(layers.subList(i + 1, i + 1 + span), shapes[i], slots[i]);
                if (fused != null) {
                    break;
                }
            }
            if (fused == null) {
                ks.add(layers.get(i).kernel(shapes[i], slots[i]));
                continue;
            }
            for (int j = i; j < i + span; j++) {
                ks.add(Kernel.passThrough(shapes[j].size()));
            }
            ks.add(fused);
            i += span;
        }
        return ks;
    }
}
