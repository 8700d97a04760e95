package org.descent.nn;

/**
 * The compute of one layer bound to an input shape and a {@link LayerSlot}. A kernel owns its
 * workspaces (grown only when a larger batch arrives, so steady-state steps allocate nothing) and
 * is used by one thread at a time.
 *
 * <p>Arrays are row-major with the batch first: {@code x} is {@code n × inSize}, {@code y} is
 * {@code n × outSize}, both starting at index 0.
 */
public interface Kernel {
    /** Computes {@code y} from {@code x}; in {@link Mode#TRAIN} it also caches what backward needs. */
    void forward(StepContext ctx, int n, float[] x, float[] y);

    /**
     * Given {@code dy = ∂L/∂y}, adds {@code ∂L/∂θ} into {@code ctx.grads} at this layer's
     * parameter offset and writes {@code dx = ∂L/∂x} (skipped when {@code dx} is null). {@code x}
     * and {@code y} are the arrays of the last forward call; {@code dy} may be overwritten.
     */
    void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx);

    /**
     * Whether this kernel is a pass-through: its output is its input, bit for bit (a reshape such as flatten, or a
     * layer whose work a later layer's kernel does, {@link Layer#kernelThrough}). {@link Network} then gives the
     * next kernel this kernel's input as its own and hands ∂L/∂y on unchanged, so the layer costs neither a sweep over
     * memory nor a buffer.
     */
    default boolean passesThrough() {
        return false;
    }

    /** A pass-through kernel for {@code size} floats per example; called directly it copies. */
    static Kernel passThrough(int size) {
        return new Kernel() {
            @Override
            public void forward(StepContext ctx, int n, float[] x, float[] y) {
                System.arraycopy(x, 0, y, 0, n * size);
            }

            @Override
            public void backward(StepContext ctx, int n, float[] x, float[] y, float[] dy, float[] dx) {
                if (dx != null) {
                    System.arraycopy(dy, 0, dx, 0, n * size);
                }
            }

            @Override
            public boolean passesThrough() {
                return true;
            }
        };
    }
}
