/**
 * Training engines. {@link org.descent.engine.LocalTrainer} is the single-process reference;
 * {@link org.descent.engine.ParameterUpdater} is the driver's step (divide the summed gradient by
 * the global count once, apply the optimizer, whose state lives only here). The Spark engines
 * build on these.
 */
package org.descent.engine;
