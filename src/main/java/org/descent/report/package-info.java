/**
 * Plots and run reports: contour maps with optimizer trajectories, line charts, and the report of a
 * training run ({@link org.descent.report.RunReport}: PNG plots of loss, accuracy, learning rate,
 * momentum and step time, and {@code report.html} with the summary, the epochs, the configuration
 * and the environment). Every file is written atomically. Nothing here depends on Spark.
 */
package org.descent.report;
