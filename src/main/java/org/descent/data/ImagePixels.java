package org.descent.data;

/**
 * Decoded image bytes as a network's input: Spark's image data source gives each image as rows of pixels, each
 * pixel {@code nChannels} bytes in OpenCV's order (grey; or blue, green, red[, alpha]). {@link #toChw} turns them into
 * a {@code [C, H, W]} float array of values in [0, 1] (byte / 255, as Descent reads IDX pixels and as PyTorch's
 * {@code ToTensor}) in red, green, blue order, dropping alpha; grey to colour repeats the
 * grey value, colour to grey is ITU-R 601 luma {@code 0.299 R + 0.587 G + 0.114 B} (PIL's {@code convert("L")}).
 * {@link #resize} is bilinear with half-pixel centres ({@code align_corners = False}, no antialiasing).
 */
public final class ImagePixels {
    private ImagePixels() {
    }

    /** {@code [channels, height, width]} floats of an image of {@code nChannels} bytes per pixel (1, 3 or 4). */
    public static float[] toChw(byte[] data, int height, int width, int nChannels, int channels) {
        if (nChannels != 1 && nChannels != 3 && nChannels != 4) {
            throw new IllegalArgumentException(nChannels + " channels per pixel (1, 3 or 4 are read)");
        }
        int plane = height * width;
        float[] out = new float[channels * plane];
        for (int i = 0; i < plane; i++) {
            int o = i * nChannels;
            if (nChannels == 1) {
                float g = (data[o] & 0xff) / 255f;
                for (int c = 0; c < channels; c++) {
                    out[c * plane + i] = g;
                }
                continue;
            }
            float b = (data[o] & 0xff) / 255f;
            float g = (data[o + 1] & 0xff) / 255f;
            float r = (data[o + 2] & 0xff) / 255f;
            if (channels == 1) {
                out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                out[i] = r;
                out[plane + i] = g;
                out[2 * plane + i] = b;
            }
        }
        return out;
    }

    /** Bilinear resampling of each of {@code channels} planes from {@code h × w} to {@code outH × outW}. */
    public static float[] resize(float[] chw, int channels, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return chw;
        }
        float[] out = new float[channels * outH * outW];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double dy = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double dx = fx - x0;
                for (int c = 0; c < channels; c++) {
                    int base = c * h * w;
                    double top = chw[base + y0 * w + x0] * (1 - dx) + chw[base + y0 * w + x1] * dx;
                    double bottom = chw[base + y1 * w + x0] * (1 - dx) + chw[base + y1 * w + x1] * dx;
                    out[(c * outH + y) * outW + x] = (float) (top * (1 - dy) + bottom * dy);
                }
            }
        }
        return out;
    }
}
