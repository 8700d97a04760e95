/**
 * Normalization layers with the axes of the optimization deck's table: batch (per feature, or per channel over N·H·W), layer, instance and group normalization. Batch norm asks a Collective for cross-worker statistics and never knows about Spark.
 */
package org.descent.nn.norm;
