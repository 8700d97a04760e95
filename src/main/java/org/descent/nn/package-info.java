/**
 * Layers and models. A {@link org.descent.nn.Layer} is configuration (shapes, parameters,
 * initializers); its {@link org.descent.nn.Kernel} is the compute with reusable workspaces. A
 * {@link org.descent.nn.Sequential} model lays all parameters out in one flat {@code float[]}
 * ({@link org.descent.nn.ParamLayout}); buffers that are not trained (batch-norm running
 * statistics) live beside it. Gradients are of the <em>summed</em> loss. A
 * {@link org.descent.nn.KernelWarmUp} runs a model's step on synthetic batches in the background so that the JIT
 * has compiled its kernels before the first real step. A {@link org.descent.nn.WorkShare} lets the workers of one
 * JVM run each other's convolution blocks while they would wait at a batch-norm exchange, with the same bits. No
 * Spark here.
 */
package org.descent.nn;
