package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark command runs and prints its table; the figures themselves are reported, never asserted. */
class BenchCommandTest {
    @Test
    void throughputPrintsOneRowPerModelWithTheBlasInUse() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--models", "mlp", "--steps", "2", "--warmup", "1",
                "--trials", "1", "--batch", "16", "--no-torch");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Descent BLAS (active): "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mlp ")), r.out());
        assertTrue(r.out().contains("PyTorch: skipped (--no-torch)"), r.out());
    }

    @Test
    void stepsPrintsTheSplitForEverySizeAndBatch() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "steps", "--master", "local[2]", "--sizes", "2000,4000", "--batches", "100",
                "--steps", "2", "--warmup", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("compute") && r.out().contains("broadcast") && r.out().contains("overhead"), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("job\\s+(2000|4000)\\s+100\\s+.*")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.matches("barrier\\s+(2000|4000)\\s+100\\s+.*")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.contains("barrier overhead") && l.contains("x lower")).count(), r.out());
    }

    @Test
    void unknownStepModeIsAUsageError() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "steps", "--modes", "job,ring");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown step mode 'ring'"), r.err());
    }

    @Test
    void unknownModelIsAUsageError() {
        CliTestSupport.Run r = CliTestSupport.run("bench", "throughput", "--models", "resnet");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown model 'resnet'"), r.err());
    }
}
