package org.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.descent.init.Initializers;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.Flatten;
import org.descent.tensor.Shape;
import org.junit.jupiter.api.Test;

class NetworkTest {
    /** An identity layer that records, per backward call, whether it was asked for ∂L/∂x. */
    private static final class Probe implements Layer {
        private final boolean trained;
        final List<Boolean> askedForDx = new ArrayList<>();

        Probe(boolean trained) {
            this.trained = trained;
        }

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public Shape outputShape(Shape in) {
            return in;
        }

        @Override
        public List<ParamSpec> params(Shape in) {
            return trained ? List.of(new ParamSpec("unused", 1, 1, 1, Initializers.zeros(), false)) : List.of();
        }

        @Override
        public Kernel kernel(Shape in, LayerSlot slot) {
            int size = in.size();
            return new Kernel() {
                @Override
                public void forward(StepContext ctx, int n, float[] x, float[] y) {
                    System.arraycopy(x, 0, y, 0, n * size);
                }

                @Override
                public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                    askedForDx.add(dx != null);
                    if (dx != null) {
                        System.arraycopy(dy, 0, dx, 0, n * size);
                    }
                }
            };
        }
    }

    private static float[] run(Sequential model, float[] x, float[] labels, int n) {
        return run(model, model.initParams(3), x, labels, n);
    }

    private static float[] run(Sequential model, float[] params, float[] x, float[] labels, int n) {
        float[] grads = new float[params.length];
        StepContext ctx = new StepContext(params, grads, model.initBuffers(), new double[model.statsSize()]);
        ctx.mode = Mode.TRAIN;
        model.newNetwork().lossAndGradient(ctx, x, labels, n, new SoftmaxCrossEntropy());
        return grads;
    }

    /** Backward stops at the first layer with parameters, which gets no ∂L/∂x buffer; layers behind it are not called. */
    @Test
    void backwardEndsAtTheFirstTrainedLayer() {
        Probe before = new Probe(false);
        Probe first = new Probe(true);
        Probe inside = new Probe(false);
        Sequential model = new Sequential(Shape.of(6), List.of(before, first, new Dense(5), inside, new Dense(3)));
        assertEquals(1, model.firstTrainedLayer());
        float[] x = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 1, 2, 3, -1, -2, -3};
        run(model, x, new float[] {0, 2}, 2);
        assertEquals(List.of(), before.askedForDx);
        assertEquals(List.of(false), first.askedForDx);
        assertEquals(List.of(true), inside.askedForDx);
        assertEquals(0, new Sequential(Shape.of(6), List.of(new Dense(3))).firstTrainedLayer());
        assertEquals(2, new Sequential(Shape.of(6), List.of(new Probe(false), new Probe(false))).firstTrainedLayer());
    }

    /** Skipping the input's gradient changes no parameter gradient: flatten + MLP equals the same MLP on flat input. */
    @Test
    void theParameterGradientsDoNotDependOnLayersBeforeTheFirstTrainedOne() {
        float[] x = new float[2 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        float[] labels = {1, 0};
        Sequential flatMlp = new Sequential(Shape.of(12), List.of(new Dense(5), new Dense(2)));
        float[] params = flatMlp.initParams(3);
        float[] flattened = run(new Sequential(Shape.of(1, 3, 4), List.of(new Flatten(), new Dense(5), new Dense(2))), params, x, labels, 2);
        float[] flat = run(flatMlp, params, x, labels, 2);
        assertArrayEquals(flat, flattened);
        assertTrue(java.util.Arrays.stream(new double[] {flat[0], flat[7], flat[20]}).anyMatch(g -> g != 0), "gradients were taken");
    }

    /**
     * A ReLU before max pooling runs as a pass-through with the pooling kernel fused: the loss and every gradient
     * equal, bit for bit, those of the layers' own kernels run one after the other (here by hand).
     */
    @Test
    void aFusedPairGivesTheBitsOfItsLayersRunOneByOne() {
        Sequential model = assertFusedBits(List.of(new org.descent.nn.layers.Conv2d(3, 3, 3, 1, 1), new org.descent.nn.layers.ReLU(),
                new org.descent.nn.layers.MaxPool2d(2, 2), new Flatten(), new Dense(4)));
        List<Kernel> kernels = model.newKernels();
        assertTrue(kernels.get(1).passesThrough());
        assertFalse(kernels.get(2).passesThrough());
    }

    /** Batch norm, ReLU and 2×2 max pooling run as one kernel, with the bits of the three layers run one by one. */
    @Test
    void aFusedBatchNormBlockGivesTheBitsOfItsLayersRunOneByOne() {
        Sequential model = assertFusedBits(List.of(new org.descent.nn.layers.Conv2d(3, 3, 3, 1, 1), new org.descent.nn.norm.BatchNorm(),
                new org.descent.nn.layers.ReLU(), new org.descent.nn.layers.MaxPool2d(2, 2), new Flatten(), new Dense(4)));
        List<Kernel> kernels = model.newKernels();
        assertTrue(kernels.get(1).passesThrough());
        assertTrue(kernels.get(2).passesThrough());
        assertFalse(kernels.get(3).passesThrough());
    }

    /** Gradients of a step through {@link Network} (fused kernels) against the layers' own kernels; returns the model. */
    private static Sequential assertFusedBits(List<Layer> layers) {
        Shape in = Shape.of(2, 6, 6);
        Sequential model = new Sequential(in, layers);
        int n = 5;
        org.descent.tensor.Rng rng = new org.descent.tensor.Rng(9);
        float[] x = new float[n * in.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat() - 0.5f;
        }
        float[] labels = {0, 3, 1, 2, 3};
        float[] params = model.initParams(4);
        float[] fused = run(model, params, x, labels, n);

        float[] grads = new float[params.length];
        StepContext ctx = new StepContext(params, grads, model.initBuffers(), new double[model.statsSize()]);
        ctx.mode = Mode.TRAIN;
        float[][] acts = new float[layers.size() + 1][];
        Kernel[] kernels = new Kernel[layers.size()];
        acts[0] = x;
        for (int i = 0; i < layers.size(); i++) {
            kernels[i] = layers.get(i).kernel(model.shapeBefore(i), model.slot(i));
            acts[i + 1] = new float[n * model.shapeBefore(i + 1).size()];
            kernels[i].forward(ctx, n, acts[i], acts[i + 1]);
        }
        float[] dy = new float[n * 4];
        new SoftmaxCrossEntropy().evaluate(acts[layers.size()], labels, n, 4, dy);
        for (int i = layers.size() - 1; i >= 0; i--) {
            float[] dx = i == 0 ? null : new float[n * model.shapeBefore(i).size()];
            kernels[i].backward(ctx, n, acts[i], acts[i + 1], dy, dx);
            dy = dx;
        }
        assertTrue(java.util.Arrays.stream(new double[] {grads[0], grads[grads.length - 1]}).anyMatch(g -> g != 0), "gradients were taken");
        for (int i = 0; i < grads.length; i++) {
            assertEquals(Float.floatToRawIntBits(grads[i]), Float.floatToRawIntBits(fused[i]), "gradient " + i);
        }
        return model;
    }
}
