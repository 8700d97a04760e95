/**
 * The application above the engine: one {@code descent train} run from its configuration — data read
 * and split, the model checked against it, the Spark engine run, and the run directory written
 * (metrics, checkpoints, model, summary and report). The engine below knows nothing of
 * configurations, reports or run directories.
 */
package org.descent.app;
