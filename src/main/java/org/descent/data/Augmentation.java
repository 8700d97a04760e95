package org.descent.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * Random transformations of training images, drawn anew for every example in every step
 * ({@code data.augment}): the usual remedy when a CNN fits its training set far better than its
 * test set.
 *
 * <ul>
 *   <li>{@code hflip}: with probability ½, {@code x'[c][h][w] = x[c][h][W − 1 − w]};</li>
 *   <li>{@code shift(k)}: a translation by (dy, dx) drawn uniformly from {−k … k}²,
 *       {@code x'[c][h][w] = x[c][h − dy][w − dx]}, and 0 (the mean of standardized data) where that
 *       falls outside the image — the random crop of a k-padded image.</li>
 * </ul>
 * Transformations apply in the order given, in place, to examples of shape {@code [C, H, W]}. The
 * caller draws each example's stream from (seed, epoch, the example's index in the data), so the
 * images a step sees do not depend on the partitioning. Evaluation never augments.
 */
public final class Augmentation implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern SHIFT = Pattern.compile("shift\\((\\d{1,4})\\)");

    private final List<String> specs;
    private final boolean[] flip;
    private final int[] shift;
    private final int channels;
    private final int height;
    private final int width;

    private Augmentation(List<String> specs, boolean[] flip, int[] shift, Shape example) {
        this.specs = List.copyOf(specs);
        this.flip = flip;
        this.shift = shift;
        this.channels = example.rank() == 3 ? example.dim(0) : 0;
        this.height = example.rank() == 3 ? example.dim(1) : 0;
        this.width = example.rank() == 3 ? example.dim(2) : 0;
    }

    /**
     * The transformations named in {@code specs} for examples of shape {@code example}; null when
     * there are none. Unknown names and non-image shapes are one-line errors.
     */
    public static Augmentation of(List<String> specs, Shape example) {
        check(specs);
        if (specs.isEmpty()) {
            return null;
        }
        if (example.rank() != 3) {
            throw new IllegalArgumentException("data.augment " + specs + " transforms images of shape [C, H, W]; the examples are " + example
                    + " (set model.inputShape)");
        }
        boolean[] flip = new boolean[specs.size()];
        int[] shift = new int[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            String s = specs.get(i).trim();
            Matcher m = SHIFT.matcher(s);
            if (m.matches()) {
                shift[i] = Integer.parseInt(m.group(1));
                if (shift[i] >= Math.min(example.dim(1), example.dim(2))) {
                    throw new IllegalArgumentException("data.augment: " + s + " shifts by the whole " + example + " image");
                }
            } else {
                flip[i] = true;
            }
        }
        return new Augmentation(specs, flip, shift, example);
    }

    /** Validates the names alone (before the data's shape is known). */
    public static void check(List<String> specs) {
        List<String> bad = new ArrayList<>();
        for (String s : specs) {
            String t = s.trim();
            if (!t.equals("hflip") && !SHIFT.matcher(t).matches()) {
                bad.add(t);
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("data.augment: unknown transformation " + String.join(", ", bad) + "; accepted: hflip, shift(k) with k < 10000");
        }
    }

    /** Transforms the example at {@code x[offset …]} in place with draws from {@code rng}. */
    public void apply(float[] x, int offset, Rng rng) {
        for (int i = 0; i < flip.length; i++) {
            if (flip[i]) {
                if (rng.nextFloat() < 0.5f) {
                    flipRows(x, offset);
                }
            } else if (shift[i] > 0) {
                int dy = rng.nextInt(2 * shift[i] + 1) - shift[i];
                int dx = rng.nextInt(2 * shift[i] + 1) - shift[i];
                translate(x, offset, dy, dx);
            }
        }
    }

    private void flipRows(float[] x, int offset) {
        for (int r = 0; r < channels * height; r++) {
            int row = offset + r * width;
            for (int a = 0, b = width - 1; a < b; a++, b--) {
                float t = x[row + a];
                x[row + a] = x[row + b];
                x[row + b] = t;
            }
        }
    }

    /**
     * {@code x'[h][w] = x[h − dy][w − dx]} in place: rows and columns are visited so that every
     * source value is read before it is overwritten (descending where the shift is positive).
     */
    private void translate(float[] x, int offset, int dy, int dx) {
        if (dy == 0 && dx == 0) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            int plane = offset + c * height * width;
            for (int hi = 0; hi < height; hi++) {
                int h = dy > 0 ? height - 1 - hi : hi;
                int sh = h - dy;
                for (int wi = 0; wi < width; wi++) {
                    int w = dx > 0 ? width - 1 - wi : wi;
                    int sw = w - dx;
                    x[plane + h * width + w] = sh >= 0 && sh < height && sw >= 0 && sw < width ? x[plane + sh * width + sw] : 0f;
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.join(", ", specs);
    }
}
