package org.descent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.descent.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code descent cluster start N | stop | status}: a standalone Spark cluster on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A real standalone Spark cluster on 127.0.0.1 (a Master and N Workers as separate processes, from the project's jars).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
final class ClusterCommand {
    /** Where the cluster's PIDs, URL and logs live. */
    static class Location {
        @Option(names = "--dir", defaultValue = "target/cluster", description = "State directory: PIDs, master URL, logs (default ${DEFAULT-VALUE}).")
        Path dir;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a Master and N Workers; prints the master URL when all have registered.")
    static final class Start extends Location implements Callable<Integer> {
        @Parameters(index = "0", description = "Number of Workers.")
        int workers;
        @Option(names = "--cores", defaultValue = "1", description = "Cores per Worker (default ${DEFAULT-VALUE}).")
        int cores;
        @Option(names = "--memory", defaultValue = "1g", description = "Memory per Worker (default ${DEFAULT-VALUE}).")
        String memory;
        @Option(names = "--port", defaultValue = "7077", description = "Master port (default ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--webui-port", defaultValue = "8080", description = "Master web UI port; Worker K uses this + K (default ${DEFAULT-VALUE}).")
        int uiPort;

        @Override
        public Integer call() throws Exception {
            if (workers < 1 || cores < 1 || !memory.matches("\\d+[mMgG]")) {
                throw new UsageException("cluster start: N and --cores must be ≥ 1 and --memory like 1g or 512m");
            }
            String url = new StandaloneCluster(dir).start(workers, cores, memory, port, uiPort);
            System.out.println("cluster up: " + url + " (" + workers + " workers × " + cores + " cores, " + memory + "); logs in " + dir);
            System.out.println("train on it: submit/descent train conf/quickstart.conf --master " + url);
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the recorded Master, Workers and their executors, by PID.")
    static final class Stop extends Location implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            int n = new StandaloneCluster(dir).stop();
            System.out.println(n == 0 ? "no cluster running (" + dir + ")" : "cluster stopped: " + n + " processes");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "List the recorded daemons and whether they run; exit 0 when the cluster is up, 1 otherwise.")
    static final class Status extends Location implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = new StandaloneCluster(dir);
            List<StandaloneCluster.Daemon> daemons = cluster.daemons();
            if (daemons.isEmpty()) {
                System.out.println("no cluster recorded in " + dir);
                return 1;
            }
            for (StandaloneCluster.Daemon d : daemons) {
                System.out.println(d.name() + " pid " + d.pid() + (d.alive() ? " running" : " not running"));
            }
            boolean up = daemons.stream().allMatch(StandaloneCluster.Daemon::alive);
            System.out.println(up ? "cluster up: " + cluster.masterUrl().orElse("?") : "cluster incomplete: stop it and start again");
            return up ? 0 : 1;
        }
    }
}
