/**
 * Reading data into contiguous float32 blocks: IDX (MNIST family), and the in-memory
 * {@link org.descent.data.Dataset}. Errors name the file and what is wrong.
 */
package org.descent.data;
