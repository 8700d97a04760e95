package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpListsTheCommands() {
        CliTestSupport.Run r = CliTestSupport.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("landscape") && r.out().contains("bench") && r.out().contains("info"), r.out());
    }

    @Test
    void unknownCommandIsOneLineAndExitCodeTwo() {
        CliTestSupport.Run r = CliTestSupport.run("trian");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("trian"), r.err());
    }

    @Test
    void infoReportsTheActiveBlas() {
        CliTestSupport.Run r = CliTestSupport.run("info");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("BLAS: ") && r.out().contains("BLAS"), r.out());
    }
}
