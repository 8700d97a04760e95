/** Plots and reports: contour maps with optimizer trajectories, learning curves; files are written atomically. */
package org.descent.report;
