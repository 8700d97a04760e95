package org.descent.loss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.descent.util.Suggest;

/**
 * Losses by name: {@code softmax_cross_entropy} (alias {@code cross_entropy}),
 * {@code binary_cross_entropy} ({@code logistic}), {@code squared_error} ({@code mse}), {@code hinge}.
 */
public final class Losses {
    private static final Map<String, Supplier<Loss>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("softmax_cross_entropy", SoftmaxCrossEntropy::new);
        ALL.put("cross_entropy", SoftmaxCrossEntropy::new);
        ALL.put("binary_cross_entropy", BinaryCrossEntropy::new);
        ALL.put("logistic", BinaryCrossEntropy::new);
        ALL.put("squared_error", SquaredError::new);
        ALL.put("mse", SquaredError::new);
        ALL.put("hinge", Hinge::new);
    }

    private Losses() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * The loss {@code name} for a model whose output has shape {@code output}: on a sequence {@code [T, K]} softmax
     * cross-entropy takes one class per step ({@link SoftmaxCrossEntropy#perStep}); any other loss and shape is
     * {@link #byName}.
     */
    public static Loss forOutput(String name, org.descent.tensor.Shape output) {
        Loss loss = byName(name);
        return loss instanceof SoftmaxCrossEntropy && output.rank() == 2 ? SoftmaxCrossEntropy.perStep(output.dim(0)) : loss;
    }

    /** @throws IllegalArgumentException naming the nearest known loss */
    public static Loss byName(String name) {
        Supplier<Loss> s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException(Suggest.unknown("loss", name, ALL.keySet()));
        }
        return s.get();
    }
}
