/**
 * Numerical primitives on {@code float[]}: row-major matrix products through BLAS ({@link
 * org.descent.tensor.Blas}, which also reports and chooses the implementation), example shapes
 * ({@link org.descent.tensor.Shape}) and a fully specified random generator ({@link
 * org.descent.tensor.Rng}). The arithmetic of exact sums ({@link org.descent.tensor.ExactSum},
 * {@link org.descent.tensor.RowSums}) and the row-independent product they need
 * ({@link org.descent.tensor.FixedOrderProduct}); float exp, sigmoid and tanh over arrays
 * ({@link org.descent.tensor.FloatMath}). The Vector API ({@code jdk.incubator.vector}) is used only
 * by the package-private {@code Vector*} classes, when the JVM has the module, and always with a scalar
 * twin that gives the same bits. No Spark here.
 */
package org.descent.tensor;
