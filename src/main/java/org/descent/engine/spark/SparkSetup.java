package org.descent.engine.spark;

import org.apache.spark.SparkConf;

/**
 * The Spark configuration every Descent command starts from: the given master (else the one
 * spark-submit set, else {@code local[*]}); on loopback masters the driver binds to 127.0.0.1; and
 * when there is no Spark installation (no {@code SPARK_HOME}: Descent runs from its own jars)
 * executors are launched with the driver's classpath, as Spark's own test recipe does.
 */
public final class SparkSetup {
    private SparkSetup() {
    }

    public static SparkConf conf(String appName, String master) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        String sparkMaster = conf.get("spark.master");
        // A step's gradient (1 MB for the quickstart MLP) comes back with the task's result, not through a block fetch.
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        // What Descent broadcasts is float32 weights (the model once, job mode's task binary with a step's parameters every
        // step): random mantissas that LZ4 cannot shrink, so compressing them only costs time on both ends.
        conf.setIfMissing("spark.broadcast.compress", "false");
        // local-cluster[N, cores, MB]: the MB is each worker's memory, but an executor takes spark.executor.memory
        // (1g by default) whatever the worker has; give the executor what the master string asks for.
        java.util.regex.Matcher localCluster = java.util.regex.Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*(\\d+)\\s*]").matcher(sparkMaster);
        if (localCluster.matches()) {
            conf.setIfMissing("spark.executor.memory", localCluster.group(1) + "m");
        }
        if (sparkMaster.startsWith("local") || sparkMaster.contains("//127.0.0.1:") || sparkMaster.contains("//localhost:")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        if (sparkMaster.startsWith("local") || System.getenv("SPARK_HOME") == null) {
            conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
            conf.setIfMissing("spark.executorEnv.SPARK_TESTING", "1");
            conf.setIfMissing("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
            conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
        return conf;
    }

    /** Cores of the cluster divided by spark.task.cpus: local[n] gives n, local-cluster[N,C,M] N·C, a cluster its registered executors' cores. */
    public static int taskSlots(org.apache.spark.api.java.JavaSparkContext sc) {
        String master = sc.master();
        int perTask = sc.getConf().getInt("spark.task.cpus", 1);
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]").matcher(master);
        if (master.equals("local")) {
            return 1;
        }
        if (local.matches()) {
            return local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
        }
        java.util.regex.Matcher cluster = java.util.regex.Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,.*]").matcher(master);
        if (cluster.matches()) {
            return Integer.parseInt(cluster.group(1)) * Integer.parseInt(cluster.group(2)) / perTask;
        }
        return sc.defaultParallelism() / perTask;
    }
}
