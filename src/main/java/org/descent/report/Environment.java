package org.descent.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a report was written: Java, operating system, cores and the Spark version. The Spark
 * version is looked up by name ({@code org.apache.spark.package$.SPARK_VERSION}) so that this
 * package does not depend on Spark; without Spark on the class path it is "unknown".
 */
public final class Environment {
    private Environment() {
    }

    /** Rows for the report, label to value, in display order. */
    public static Map<String, String> describe() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Java", System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.version", "?")
                + " (" + System.getProperty("java.vendor", "?") + ")");
        rows.put("Operating system", System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "")
                + " (" + System.getProperty("os.arch", "?") + ")");
        rows.put("Cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        rows.put("Max heap", String.format(java.util.Locale.ROOT, "%.0f MB", Runtime.getRuntime().maxMemory() / 1e6));
        return rows;
    }

    /** The version of Spark on the class path, or "unknown". */
    public static String sparkVersion() {
        try {
            Class<?> c = Class.forName("org.apache.spark.package$", true, Environment.class.getClassLoader());
            Object module = c.getField("MODULE$").get(null);
            return String.valueOf(c.getMethod("SPARK_VERSION").invoke(module));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return "unknown";
        }
    }
}
