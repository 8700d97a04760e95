package org.descent.cli;

/** A command used wrongly (bad option value, unknown name): reported in one line with exit code 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
