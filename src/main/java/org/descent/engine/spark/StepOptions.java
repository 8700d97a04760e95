package org.descent.engine.spark;

import java.io.Serializable;
import org.descent.data.Augmentation;

/**
 * How a partition computes its share of a step, beyond the model and the batch: exact sums
 * ({@code engine.reduction = exact}, see {@link org.descent.tensor.ExactSum}) and the training-image
 * augmentation ({@code data.augment}; null for none).
 */
record StepOptions(boolean exactSums, Augmentation augmentation) implements Serializable {
}
