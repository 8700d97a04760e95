package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A child JVM gets this one's options but those that would collide, and its output comes back line by line. */
class ChildJvmTest {
    @Test
    void leavesOutOptionsThatWouldCollideWithThisJvmsAndKeepsTheRest() {
        for (String arg : List.of("-XX:StartFlightRecording=filename=/tmp/q.jfr", "-XX:FlightRecorderOptions=stackdepth=96",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-agentpath:/opt/p.so", "-javaagent:/opt/a.jar",
                "-Xrunjdwp:transport=dt_socket", "-Xdebug", "-Xloggc:/tmp/gc.log", "-Xlog:gc*:file=/tmp/gc.log",
                "-XX:HeapDumpPath=/tmp/dump", "-XX:ErrorFile=/tmp/err.log", "-XX:ArchiveClassesAtExit=/tmp/a.jsa")) {
            assertTrue(ChildJvm.collides(arg), arg);
        }
        for (String arg : List.of("-Xmx6g", "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-XX:+UseG1GC", "-Xlog:disable", "-Dspark.ui.enabled=false", "-XX:+UnlockDiagnosticVMOptions")) {
            assertFalse(ChildJvm.collides(arg), arg);
        }
    }

    @Test
    void runsMainInANewJvmAndPassesItsOutputOnLineByLine() throws Exception {
        List<String> lines = new ArrayList<>();
        assertEquals(0, ChildJvm.run(List.of("--version"), lines::add));
        assertTrue(lines.stream().anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).contains("descent")), lines.toString());
        assertEquals(2, ChildJvm.run(List.of("no-such-command"), l -> { }));
    }
}
