package org.descent.nn.layers;

import java.io.Serializable;
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

    /**
     * im2col of one example: {@code cols[(c·kh + i)·kw + j][oh·OW + ow] = x[c][oh·s − p + i][ow·s − p + j]}
     * (zero outside the input).
     */
    void im2col(float[] x, int xOff, float[] cols) {
        int plane = outPlane();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int cOff = xOff + c * height * width;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int rowOff = r * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + i;
                        int o = rowOff + oh * outW;
                        if (ih < 0 || ih >= height) {
                            java.util.Arrays.fill(cols, o, o + outW, 0f);
                            continue;
                        }
                        int src = cOff + ih * width;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * stride - pad + j;
                            cols[o + ow] = (iw >= 0 && iw < width) ? x[src + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each column entry back to the input position it came from. */
    void col2imAdd(float[] cols, float[] dx, int dxOff) {
        int plane = outPlane();
        int r = 0;
        for (int c = 0; c < channels; c++) {
            int cOff = dxOff + c * height * width;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, r++) {
                    int rowOff = r * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * stride - pad + i;
                        if (ih < 0 || ih >= height) {
                            continue;
                        }
                        int o = rowOff + oh * outW;
                        int dst = cOff + ih * width;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * stride - pad + j;
                            if (iw >= 0 && iw < width) {
                                dx[dst + iw] += cols[o + ow];
                            }
                        }
                    }
                }
            }
        }
    }
}
