/**
 * The core layers: dense (affine), element-wise activations (ReLU, leaky ReLU, ELU, tanh, sigmoid),
 * softmax, inverted dropout, 2-D convolution (im2col + sgemm), max and average pooling, flatten.
 * Each is configuration plus a kernel with reusable workspaces; no Spark here.
 */
package org.descent.nn.layers;
