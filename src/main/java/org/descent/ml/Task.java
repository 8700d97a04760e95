package org.descent.ml;

import java.util.List;

/** What a stage predicts: its default loss, the losses it accepts and what its network's outputs are. */
enum Task {
    /** Class indices 0 … numClasses−1; one output (a logit or score) per class. */
    CLASSIFICATION("softmax_cross_entropy", List.of("softmax_cross_entropy", "cross_entropy", "hinge")),
    /** A real number; one output. */
    REGRESSION("squared_error", List.of("squared_error", "mse"));

    private final String defaultLoss;
    private final List<String> losses;

    Task(String defaultLoss, List<String> losses) {
        this.defaultLoss = defaultLoss;
        this.losses = losses;
    }

    String defaultLoss() {
        return defaultLoss;
    }

    List<String> losses() {
        return losses;
    }
}
