package org.descent.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.descent.io.AtomicFiles;

/**
 * A standalone Spark cluster on 127.0.0.1: one Master and N Workers, each its own JVM started from
 * the classpath this process runs on (no Spark installation). Everything lives in one state
 * directory: {@code master.pid}, {@code worker-K.pid}, {@code master.url}, and the daemons' logs and
 * work directories. Executors launched by the Workers get Descent's classpath from the application
 * (spark.executor.extraClassPath), as in local-cluster mode. Stopping kills each recorded daemon
 * and every process it started (its executors), by PID, and waits until none is left.
 */
public final class StandaloneCluster {
    private static final long READY_MILLIS = 90_000;
    private final Path dir;

    public StandaloneCluster(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    /** The master URL of a running cluster. */
    public Optional<String> masterUrl() throws IOException {
        Path url = dir.resolve("master.url");
        return Files.exists(url) && !daemons().isEmpty() ? Optional.of(Files.readString(url).trim()) : Optional.empty();
    }

    /** A recorded daemon: its name (master, worker-1, …), PID, and whether it still runs. */
    public record Daemon(String name, long pid, boolean alive) {
    }

    public List<Daemon> daemons() throws IOException {
        List<Daemon> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                long pid = Long.parseLong(Files.readString(p).trim());
                String name = p.getFileName().toString().replace(".pid", "");
                out.add(new Daemon(name, pid, ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
            }
        }
        return out;
    }

    /**
     * Starts the Master on {@code port} (web UI on {@code uiPort}) and {@code workers} Workers with
     * {@code cores} cores and {@code memory} each; returns the master URL once every Worker has
     * registered. Fails, stopping what it started, if that does not happen within 90 s.
     */
    public String start(int workers, int cores, String memory, int port, int uiPort) throws IOException, InterruptedException {
        if (daemons().stream().anyMatch(Daemon::alive)) {
            throw new IllegalStateException("a cluster recorded in " + dir + " is still running: stop it first");
        }
        Files.createDirectories(dir);
        clear();
        AtomicFiles.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level = info", "rootLogger.appenderRef.stdout.ref = console", "appender.console.type = Console",
                "appender.console.name = console", "appender.console.target = SYSTEM_OUT", "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex", ""));
        String url = "spark://127.0.0.1:" + port;
        try {
            Process master = launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(port),
                    "--webui-port", String.valueOf(uiPort)));
            awaitLog("master", master, "I have been elected leader");
            for (int w = 1; w <= workers; w++) {
                Path work = dir.resolve("worker-" + w + "-work");
                Files.createDirectories(work);
                Process worker = launch("worker-" + w, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                        String.valueOf(cores), "--memory", memory, "--webui-port", String.valueOf(uiPort + w), "--work-dir", work.toString(), url));
                awaitLog("worker-" + w, worker, "Successfully registered with master");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop();
            throw e;
        }
        AtomicFiles.writeString(dir.resolve("master.url"), url + "\n");
        return url;
    }

    private void clear() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches(".*\\.(pid|url|log)")).toList()) {
                Files.delete(p);
            }
        }
    }

    private Process launch(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx512m");
        // The daemons log at INFO to their own files (Descent's jar carries a WARN-only configuration for its commands).
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dio.netty")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        pb.environment().put("SPARK_LOG_DIR", dir.toString());
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        AtomicFiles.writeString(dir.resolve(name + ".pid"), p.pid() + "\n");
        return p;
    }

    private void awaitLog(String name, Process p, String line) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + p.exitValue() + " before it was ready; see " + log);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + READY_MILLIS / 1000 + " s (no '" + line + "' in " + log + ")");
    }

    /** Stops every recorded daemon and its child processes (executors); returns how many processes were stopped. */
    public int stop() throws IOException, InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        for (Daemon d : daemons()) {
            ProcessHandle.of(d.pid()).ifPresent(h -> {
                h.descendants().forEach(all::add);
                all.add(h);
            });
        }
        for (ProcessHandle h : all) {
            h.destroy();
        }
        long deadline = System.currentTimeMillis() + 15_000;
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : all) {
            while (h.isAlive()) {
                Thread.sleep(50);
            }
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().matches(".*\\.(pid|url)")).toList()) {
                    Files.delete(p);
                }
            }
        }
        return all.size();
    }
}
