/**
 * From configuration to networks: layer specs ({@code dense(256)}, {@code batch_norm},
 * {@code conv(32, 3)}, …) parsed into the layers of {@code nn.layers} and {@code nn.norm}, and the
 * reference models that the benchmarks, the examples and the tests train. It sits above {@code nn} and
 * its layer packages, which know nothing of it.
 */
package org.descent.models;
