/**
 * Optimizers as chains of gradient transforms with explicit, serializable state (optax style): SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam and its variants, AdaDelta, Rprop, LARS, LAMB, weight decay and clipping. No Spark here.
 */
package org.descent.optim;
