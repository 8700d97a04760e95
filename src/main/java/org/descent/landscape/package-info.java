/**
 * Two-dimensional test functions (Beale, the saddle x² − y², Rosenbrock, an ill-conditioned
 * quadratic bowl) with exact gradients, and optimizer trajectories on them — the optimization deck's figures.
 * No Spark here.
 */
package org.descent.landscape;
