/**
 * Benchmarks that print their figures beside the reference they are compared to, in one run
 * (PyTorch on CPU as a subprocess, when installed). Timing lives here, never in unit tests.
 */
package org.descent.bench;
