package org.descent.io;

/** Paths as the driver names them, made usable on every executor. */
public final class DriverPaths {
    private DriverPaths() {
    }

    /**
     * A path without a scheme is local to the driver: it is made absolute there ({@code file://} and the absolute
     * path), because executors run in working directories of their own; any {@code scheme://} path (HDFS, S3,
     * {@code file:}) is passed on as it is. The result is a Hadoop path string, not an encoded URI: a directory named
     * {@code dir with space} stays so (a percent-encoded {@code dir%20with%20space} would name another directory).
     */
    public static String qualify(String path) {
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return path;
        }
        return "file://" + java.nio.file.Path.of(path).toAbsolutePath().normalize();
    }
}
