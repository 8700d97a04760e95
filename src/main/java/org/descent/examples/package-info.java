/**
 * Runnable examples of Descent as a library. {@link org.descent.examples.NeuralNetPipelineExample}
 * trains a {@link org.descent.ml.NeuralNetClassifier} inside a Spark ML Pipeline, evaluates it
 * with MLlib's evaluator, and saves and reloads the fitted Pipeline.
 */
package org.descent.examples;
