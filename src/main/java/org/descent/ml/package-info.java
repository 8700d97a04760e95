/**
 * Spark ML stages over Descent's engine: {@link org.descent.ml.NeuralNetClassifier} and
 * {@link org.descent.ml.NeuralNetRegressor} are Estimators, and their fitted
 * {@link org.descent.ml.NeuralNetClassificationModel} and {@link org.descent.ml.NeuralNetRegressionModel}
 * are Transformers, usable in a {@code Pipeline} beside MLlib's feature stages
 * ({@code VectorAssembler}, {@code StandardScaler}, …) and scored by MLlib's evaluators.
 *
 * <p>Fitting turns the DataFrame's features and label columns into one cached float32 block per
 * partition and trains with {@link org.descent.engine.spark.SparkTrainer}, the engine of
 * {@code descent train}, in either of its step modes. Transforming runs the network on the
 * executors in batches of rows. The params ({@link org.descent.ml.NeuralNetParams}) follow
 * Spark's conventions: getters, chainable setters, defaults, docs in {@code explainParams()}, and
 * validators that refuse a bad value with a message saying what is accepted.
 *
 * <p>Stages save and load with {@code write().save(path)} and the classes' static
 * {@code load(path)} on any Hadoop FileSystem, in MLlib's layout: {@code metadata} (params as
 * JSON) and, for models, {@code data/model.bin} (the network, in the format of
 * {@code descent train}'s {@code model.bin}). A fitted {@code PipelineModel} containing them saves
 * and loads like any other.
 *
 * <p>Java cannot mix in Spark's Scala params traits, so each stage holds a
 * {@link org.descent.ml.NeuralNetParamSet} and gets its uid to the superclass constructor through
 * a per-thread hand-off (see {@code PendingUid}).
 */
package org.descent.ml;
