package org.descent.cli;

import picocli.CommandLine.IVersionProvider;

/** Descent's version from the jar manifest, with Java's. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"descent " + (v == null ? "(development build)" : v), "java " + System.getProperty("java.version")};
    }
}
