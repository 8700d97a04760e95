package org.descent.io;

/** Paths as the driver names them, made usable on every executor. */
public final class DriverPaths {
    private DriverPaths() {
    }

    /**
     * A path without a scheme is local to the driver: it is made absolute there (as a {@code file:} URI),
     * because executors run in working directories of their own; any {@code scheme://} path (HDFS, S3,
     * {@code file:}) is passed on as it is.
     */
    public static String qualify(String path) {
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return path;
        }
        return java.nio.file.Path.of(path).toAbsolutePath().normalize().toUri().toString();
    }
}
