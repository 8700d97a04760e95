/**
 * Training objectives (softmax cross-entropy, logistic, squared error, hinge) as sums over a batch, and accuracy, the 0-1 loss, as a metric. No Spark here.
 */
package org.descent.loss;
