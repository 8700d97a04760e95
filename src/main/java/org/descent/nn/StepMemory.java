package org.descent.nn;

import java.lang.management.ManagementFactory;
import org.descent.loss.Loss;

/**
 * The memory a training step of {@code n} examples needs in one task, measured: the bytes a fresh network allocates
 * during its first forward and backward pass at that batch size (its activations, gradients with respect to them,
 * and every kernel's caches and workspaces, which are allocated then and reused by every later step), plus the
 * step's parameter gradient. Counted by the JVM's per-thread allocation counter, so garbage collection does not
 * disturb it. This is the "memory" column of the optimization deck's table of batch, mini-batch and stochastic
 * gradient descent: it grows with the examples per step.
 */
public final class StepMemory {
    private StepMemory() {
    }

    /** Bytes for one step of {@code n} examples, or −1 when the JVM does not count allocations per thread. */
    public static long measure(Sequential model, Loss loss, int n) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads) || !threads.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        int examples = Math.max(1, n);
        float[] x = new float[examples * model.inputShape().size()];
        float[] labels = new float[examples * loss.labelWidth(model.outputShape().size())];
        float[] params = model.initParams(1);
        float[] buffers = model.initBuffers();
        // A first pass on a network of its own loads and initializes the classes, whose allocations are not the step's.
        model.newNetwork().lossAndGradient(new StepContext(params, new float[params.length], buffers, new double[model.statsSize()]),
                x, labels, 1, loss);
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        Network network = model.newNetwork();
        StepContext ctx = new StepContext(params, new float[params.length], buffers, new double[model.statsSize()]);
        network.lossAndGradient(ctx, x, labels, examples, loss);
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
