package org.descent.nn.layers;

import java.io.Serializable;
import java.util.Arrays;
import org.descent.tensor.Shape;

/**
 * The sliding-window geometry shared by convolution and pooling on a {@code [C, H, W]} input:
 * output size {@code OH = ⌊(H + 2p − kh)/s⌋ + 1}, {@code OW = ⌊(W + 2p − kw)/s⌋ + 1}.
 */
record Geometry(int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW)
        implements Serializable {

    static Geometry of(String layer, Shape in, int kh, int kw, int stride, int pad) {
        if (in.rank() != 3) {
            throw new IllegalArgumentException(layer + " needs a [C, H, W] input, got " + in);
        }
        int h = in.dim(1);
        int w = in.dim(2);
        if (h + 2 * pad < kh || w + 2 * pad < kw) {
            throw new IllegalArgumentException(layer + " window " + kh + "×" + kw + " is larger than the padded input "
                    + (h + 2 * pad) + "×" + (w + 2 * pad));
        }
        return new Geometry(in.dim(0), h, w, kh, kw, stride, pad, (h + 2 * pad - kh) / stride + 1, (w + 2 * pad - kw) / stride + 1);
    }

    int inSize() {
        return channels * height * width;
    }

    int outPlane() {
        return outH * outW;
    }

    /** Rows of the im2col matrix: C·kh·kw. */
    int patch() {
        return channels * kh * kw;
    }

    /** First output column whose input column {@code ow·s − p + j} is ≥ 0. */
    private int firstValid(int j) {
        int num = pad - j;
        return num <= 0 ? 0 : (num + stride - 1) / stride;
    }

    /** One past the last output column whose input column is &lt; W. */
    private int endValid(int j) {
        int num = width - 1 + pad - j;
        return num < 0 ? 0 : Math.min(outW, num / stride + 1);
    }

    /**
     * im2col of one example into {@code cols} starting at {@code colsOff}:
     * {@code cols[(c·kh + i)·kw + j][oh·OW + ow] = x[c][oh·s − p + i][ow·s − p + j]} (zero outside
     * the input). The valid column range of each kernel column j is computed once, so the inner loop
     * is a plain (strided) copy.
     */
    void im2col(float[] x, int xOff, float[] cols, int colsOff) {
        int plane = outPlane();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int cOff = xOff + c * height * width;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int rowOff = colsOff + r * plane;
                    int lo = firstValid(j);
                    int hi = Math.max(lo, endValid(j));
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + i;
                        int o = rowOff + oh * outW;
                        if (ih < 0 || ih >= height) {
                            Arrays.fill(cols, o, o + outW, 0f);
                            continue;
                        }
                        Arrays.fill(cols, o, o + lo, 0f);
                        int src = cOff + ih * width + lo * stride - pad + j;
                        if (stride == 1) {
                            System.arraycopy(x, src, cols, o + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++, src += stride) {
                                cols[o + ow] = x[src];
                            }
                        }
                        Arrays.fill(cols, o + hi, o + outW, 0f);
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each column entry back to the input position it came from. */
    void col2imAdd(float[] cols, int colsOff, float[] dx, int dxOff) {
        int plane = outPlane();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int cOff = dxOff + c * height * width;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int rowOff = colsOff + r * plane;
                    int lo = firstValid(j);
                    int hi = endValid(j);
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + i;
                        if (ih < 0 || ih >= height) {
                            continue;
                        }
                        int o = rowOff + oh * outW;
                        int dst = cOff + ih * width + lo * stride - pad + j;
                        for (int ow = lo; ow < hi; ow++, dst += stride) {
                            dx[dst] += cols[o + ow];
                        }
                    }
                }
            }
        }
    }
}
