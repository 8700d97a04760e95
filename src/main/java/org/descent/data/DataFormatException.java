package org.descent.data;

import java.io.IOException;

/** Input data that cannot be read as promised; the message names the file (and line or row) and the problem. */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }
}
