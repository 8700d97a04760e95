package org.descent.engine;

/** Training produced a loss or gradient that is NaN or infinite; the message names the step and the first such parameter tensor. */
public class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }
}
