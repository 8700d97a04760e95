package org.descent.data;

import java.io.Serializable;

/**
 * Turns one line of a text data file into a row: the features followed by the label, as one
 * {@code float[]} of length {@code features + 1}. A line that is not a valid row is a
 * {@link DataFormatException} whose message says what is wrong in it (the caller adds file and
 * line). Implementations are immutable and serializable: Spark ships them to the executors.
 */
public interface RowParser extends Serializable {
    /** Features per row. */
    int features();

    /** Whether {@code line} holds no row at all (blank; for LIBSVM also a comment-only line) and is passed over. */
    default boolean isEmpty(String line) {
        return line.isBlank();
    }

    /** The row of {@code line}; never null. */
    float[] parse(String line) throws DataFormatException;
}
