package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.descent.cluster.StandaloneCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real standalone cluster: {@code cluster start 2} (a Master and two Workers, each
 * its own JVM), a short training run on it through {@code train --master spark://…} in both step
 * modes, {@code cluster stop}, and no process left behind.
 */
@org.junit.jupiter.api.Tag("spark")
class ClusterCommandTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void startTrainStopLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("cluster");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        SmallIdx.write(Path.of("data/fashion-mnist"), data, 1000, 300);
        int port = freePort();
        int ui = freePort();
        List<Long> pids = new ArrayList<>();
        try {
            CliTestSupport.Run start = CliTestSupport.run("cluster", "start", "2", "--dir", state.toString(), "--port", String.valueOf(port),
                    "--webui-port", String.valueOf(ui));
            assertEquals(0, start.exitCode(), start.err());
            String url = "spark://127.0.0.1:" + port;
            assertTrue(start.out().contains("cluster up: " + url), start.out());
            for (StandaloneCluster.Daemon d : new StandaloneCluster(state).daemons()) {
                assertTrue(d.alive(), d.toString());
                pids.add(d.pid());
            }
            assertEquals(3, pids.size(), "a master and two workers");
            CliTestSupport.Run status = CliTestSupport.run("cluster", "status", "--dir", state.toString());
            assertEquals(0, status.exitCode(), status.out());
            assertTrue(status.out().contains("worker-2 pid"), status.out());

            for (String mode : List.of("job", "barrier")) {
                Path run = dir.resolve("run-" + mode);
                CliTestSupport.Run train = CliTestSupport.run("train", "conf/quickstart.conf", "--master", url, "--out", run.toString(),
                        "--set", "data.dir=\"" + data + "\"", "--set", "training.epochs=1", "--set", "training.batchSize=100",
                        "--set", "training.partitions=2", "--set", "engine.mode=" + mode);
                assertEquals(0, train.exitCode(), train.err());
                JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
                assertEquals(url, summary.get("sparkMaster").asText());
                assertEquals(10, summary.get("steps").asInt());
                assertTrue(summary.get("testAccuracy").asDouble() > 0.4, summary.toString());
                assertTrue(Files.size(run.resolve("model.bin")) > 0);
                assertTrue(Files.readString(run.resolve("report.html")).contains(url), "the report names the cluster");
                assertTrue(Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"step\"")).count() == 10);
                // The saved model reloads and, evaluated on the same cluster, reproduces the run's test figures.
                CliTestSupport.Run evaluate = CliTestSupport.run("evaluate", run.toString(), data.toString(), "--master", url);
                assertEquals(0, evaluate.exitCode(), evaluate.err());
                assertTrue(evaluate.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.4f", summary.get("testAccuracy").asDouble())),
                        evaluate.out());
            }
        } finally {
            CliTestSupport.Run stop = CliTestSupport.run("cluster", "stop", "--dir", state.toString());
            assertEquals(0, stop.exitCode(), stop.err());
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
        assertEquals(1, CliTestSupport.run("cluster", "status", "--dir", state.toString()).exitCode());
        assertTrue(new StandaloneCluster(state).daemons().isEmpty());
        Process ps = new ProcessBuilder("ps", "-eo", "args").start();
        String all = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(all.contains(state.toString()), "no process mentions the cluster's directory");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliTestSupport.Run r = CliTestSupport.run("cluster", "start", "0");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("N and --cores must be ≥ 1"), r.err());
    }
}
