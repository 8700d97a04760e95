package org.descent.nn.layers;

/**
 * A 3×3, stride-1 convolution by one of Winograd's minimal filterings: F(2×2, 3×3) ({@link Winograd3x3}) or F(4×4, 3×3)
 * ({@link WinogradF4x4}). {@link #of} picks the one whose transformed products do fewer multiplications for the
 * layer's output plane, counting the tiles that stick out past its edge: F(4×4) when it saves at least
 * {@link #F4_SAVING} of F(2×2)'s (14×14: 576 against 784 per example and channel pair; 28×28: 1,764 against 3,136),
 * F(2×2) otherwise (5×5 and 6×6: 144 against 144).
 *
 * <p>The JVM-wide property {@value #PROPERTY} chooses otherwise: {@code false} keeps every convolution on the direct
 * products, {@code f2} keeps Winograd convolutions on F(2×2, 3×3).
 */
interface WinogradConvolution {
    /** The JVM-wide switch: {@code false} (direct products), {@code f2} (F(2×2, 3×3) only), or unset. */
    String PROPERTY = "descent.conv.winograd";
    /** Fewer input channels than this make products too thin for the transforms to pay (the first layer of an image). */
    int MIN_CHANNELS = 16;
    /** The share of F(2×2)'s multiplications F(4×4) must save to be chosen: its transforms cost more per tile. */
    double F4_SAVING = 0.15;

    /**
     * {@code y = conv(x, W) + b} for {@code n} examples; weights at {@code p[w + (o·C + c)·9 + ky·3 + kx]}, biases at
     * {@code p[b + o]}. With {@code keep} the transformed inputs stay for {@link #backward}.
     */
    void forward(float[] p, int w, int b, int n, float[] x, float[] y, boolean keep);

    /**
     * Adds ∂L/∂W to {@code grads[w …]} and, when {@code dx} is not null, writes ∂L/∂x there, for the {@code n} examples
     * of the last forward (whose inputs are transformed again if forward did not keep them). Biases are the caller's.
     */
    void backward(float[] p, int w, float[] grads, int n, float[] x, float[] dy, float[] dx);

    /** Drops the inputs kept by the last forward: the next backward transforms its inputs again. */
    void forgetInputs();

    /** The output tile's side of the filtering {@link #of} picks for {@code g}: 4, 2, or 0 for the direct products. */
    static int tile(Geometry g) {
        String choice = System.getProperty(PROPERTY);
        if (g.kh() != 3 || g.kw() != 3 || g.stride() != 1 || g.channels() < MIN_CHANNELS || "false".equalsIgnoreCase(choice)) {
            return 0;
        }
        boolean f4Saves = WinogradF4x4.multiplies(g) <= (1 - F4_SAVING) * Winograd3x3.multiplies(g);
        return f4Saves && !"f2".equalsIgnoreCase(choice) ? 4 : 2;
    }

    /** The filtering for {@code g} ({@link #tile}), or null for the direct products. */
    static WinogradConvolution of(Geometry g, int outChannels) {
        return switch (tile(g)) {
            case 4 -> new WinogradF4x4(g, outChannels);
            case 2 -> new Winograd3x3(g, outChannels);
            default -> null;
        };
    }
}
