/**
 * Reading data, with no Spark: the IDX reader (MNIST family), the CSV and LIBSVM row parsers
 * ({@link org.descent.data.RowParser}), the label rule of a loss ({@link org.descent.data.LabelRule}),
 * the description of a run's data ({@link org.descent.data.DataSpec}), input normalization
 * ({@link org.descent.data.Standardizer}) and the in-memory {@link org.descent.data.Dataset}. Every
 * error names the file (and line or row) and what is wrong; the Spark readers that use these live
 * in {@code org.descent.engine.spark}.
 */
package org.descent.data;
