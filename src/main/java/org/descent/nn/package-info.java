/**
 * Layers and models. A {@link org.descent.nn.Layer} is configuration (shapes, parameters,
 * initializers); its {@link org.descent.nn.Kernel} is the compute with reusable workspaces. A
 * {@link org.descent.nn.Sequential} model lays all parameters out in one flat {@code float[]}
 * ({@link org.descent.nn.ParamLayout}); buffers that are not trained (batch-norm running
 * statistics) live beside it. Gradients are of the <em>summed</em> loss. No Spark here.
 */
package org.descent.nn;
