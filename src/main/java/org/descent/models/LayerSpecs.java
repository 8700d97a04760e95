package org.descent.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.descent.nn.Layer;
import org.descent.nn.layers.AvgPool2d;
import org.descent.nn.layers.Conv2d;
import org.descent.nn.layers.Dense;
import org.descent.nn.layers.Dropout;
import org.descent.nn.layers.ELU;
import org.descent.nn.layers.Flatten;
import org.descent.nn.layers.LeakyReLU;
import org.descent.nn.layers.MaxPool2d;
import org.descent.nn.layers.ReLU;
import org.descent.nn.layers.Sigmoid;
import org.descent.nn.layers.Softmax;
import org.descent.nn.layers.Tanh;
import org.descent.nn.norm.BatchNorm;
import org.descent.nn.norm.GroupNorm;
import org.descent.nn.norm.InstanceNorm;
import org.descent.nn.norm.LayerNorm;
import org.descent.util.Suggest;

/**
 * Layers written as text, as configuration files list them: {@code dense(256)}, {@code relu},
 * {@code leaky_relu(0.1)}, {@code elu}, {@code tanh}, {@code sigmoid}, {@code softmax},
 * {@code dropout(0.5)}, {@code conv2d(32, 3)} (channels, kernel[, stride[, padding]]),
 * {@code maxpool2d(2)} / {@code avgpool2d(2)} (window[, stride]), {@code flatten},
 * {@code batch_norm}, {@code layer_norm}, {@code instance_norm}, {@code group_norm(4)}, {@code rnn(64)}, {@code lstm(64)} and
 * {@code gru(64)} (every step's state, on a {@code [T, F]} input) and {@code rnn(64, last)} etc. (the last step's only).
 */
public final class LayerSpecs {
    private static final Map<String, Function<double[], Layer>> MAKERS = new LinkedHashMap<>();

    static {
        MAKERS.put("dense", a -> new Dense(whole(a, 0, "dense", "units")));
        MAKERS.put("relu", a -> new ReLU());
        MAKERS.put("leaky_relu", a -> a.length > 0 ? new LeakyReLU(a[0]) : new LeakyReLU());
        MAKERS.put("elu", a -> a.length > 0 ? new ELU(a[0]) : new ELU());
        MAKERS.put("tanh", a -> new Tanh());
        MAKERS.put("sigmoid", a -> new Sigmoid());
        MAKERS.put("softmax", a -> new Softmax());
        MAKERS.put("dropout", a -> new Dropout(a.length > 0 ? a[0] : 0.5));
        MAKERS.put("conv2d", a -> {
            int k = whole(a, 1, "conv2d", "kernel");
            return new Conv2d(whole(a, 0, "conv2d", "channels"), k, k, a.length > 2 ? (int) a[2] : 1, a.length > 3 ? (int) a[3] : k / 2);
        });
        MAKERS.put("maxpool2d", a -> new MaxPool2d(whole(a, 0, "maxpool2d", "window"), a.length > 1 ? (int) a[1] : (int) a[0]));
        MAKERS.put("avgpool2d", a -> new AvgPool2d(whole(a, 0, "avgpool2d", "window"), a.length > 1 ? (int) a[1] : (int) a[0]));
        MAKERS.put("flatten", a -> new Flatten());
        MAKERS.put("batch_norm", a -> new BatchNorm());
        MAKERS.put("layer_norm", a -> new LayerNorm());
        MAKERS.put("instance_norm", a -> new InstanceNorm());
        MAKERS.put("group_norm", a -> new GroupNorm(whole(a, 0, "group_norm", "groups")));
        MAKERS.put("rnn", a -> recurrent("rnn", a, false));
        MAKERS.put("lstm", a -> recurrent("lstm", a, false));
        MAKERS.put("gru", a -> recurrent("gru", a, false));
    }

    /** The layers that return every step's state, or with {@code last} the final one. */
    private static final java.util.Set<String> RETURNS_SEQUENCES = java.util.Set.of("rnn", "lstm", "gru");

    private LayerSpecs() {
    }

    public static List<String> names() {
        return List.copyOf(MAKERS.keySet());
    }

    /** @throws IllegalArgumentException one line naming the bad entry (and the nearest layer name) */
    public static Layer parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String name = s;
        double[] args = new double[0];
        boolean last = false;
        int open = s.indexOf('(');
        if (open >= 0) {
            if (!s.endsWith(")")) {
                throw new IllegalArgumentException("layer '" + spec + "': missing ')'");
            }
            name = s.substring(0, open).trim();
            String inner = s.substring(open + 1, s.length() - 1).trim();
            if (inner.endsWith(", last") || inner.endsWith(",last")) {
                // rnn(H, last): the last step's state only.
                if (!RETURNS_SEQUENCES.contains(name)) {
                    throw new IllegalArgumentException("layer '" + spec + "': 'last' applies to the recurrent layers " + RETURNS_SEQUENCES);
                }
                inner = inner.substring(0, inner.lastIndexOf(',')).trim();
                last = true;
            }
            if (!inner.isEmpty()) {
                String[] parts = inner.split(",");
                args = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    try {
                        args[i] = Double.parseDouble(parts[i].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("layer '" + spec + "': '" + parts[i].trim() + "' is not a number");
                    }
                }
            }
        }
        Function<double[], Layer> make = MAKERS.get(name);
        if (make == null) {
            throw new IllegalArgumentException(Suggest.unknown("layer", name, MAKERS.keySet()));
        }
        try {
            if (last) {
                return recurrent(name, args, true);
            }
            return make.apply(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer '" + spec + "': " + e.getMessage(), e);
        }
    }

    private static Layer recurrent(String name, double[] a, boolean last) {
        int hidden = whole(a, 0, name, "hidden units");
        return switch (name) {
            case "lstm" -> new org.descent.nn.recurrent.Lstm(hidden, last);
            case "gru" -> new org.descent.nn.recurrent.Gru(hidden, last);
            default -> new org.descent.nn.recurrent.SimpleRnn(hidden, last);
        };
    }

    public static List<Layer> parseAll(List<String> specs) {
        List<Layer> layers = new ArrayList<>();
        for (String s : specs) {
            layers.add(parse(s));
        }
        return layers;
    }

    private static int whole(double[] a, int i, String layer, String what) {
        if (a.length <= i) {
            throw new IllegalArgumentException(layer + " needs its " + what);
        }
        if (a[i] != Math.floor(a[i])) {
            throw new IllegalArgumentException(layer + " " + what + " must be a whole number, got " + a[i]);
        }
        return (int) a[i];
    }
}
