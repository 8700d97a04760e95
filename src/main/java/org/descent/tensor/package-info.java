/**
 * Numerical primitives on {@code float[]}: row-major matrix products through BLAS ({@link
 * org.descent.tensor.Blas}, which also reports and chooses the implementation), example shapes
 * ({@link org.descent.tensor.Shape}) and a fully specified random generator ({@link
 * org.descent.tensor.Rng}). No Spark here.
 */
package org.descent.tensor;
