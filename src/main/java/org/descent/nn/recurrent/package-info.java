/**
 * Recurrent layers over sequences: an example of shape {@code [T, F]} is T steps of F features, row-major (a flat
 * row read with {@code model.inputShape = [T, F]}). Backpropagation through time runs over the whole sequence with
 * caches kept by the kernel and grown only for a larger batch. No Spark import.
 */
package org.descent.nn.recurrent;
