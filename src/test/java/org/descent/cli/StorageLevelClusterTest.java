package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data.storageLevel} with a training set larger than the executors' storage memory: executors of 512 MB in
 * separate JVMs with {@code spark.memory.fraction = 0.05} (≈ 9 MB of unified memory each) and 12,000 synthetic rows
 * of 784 features (37.6 MB, 18.8 MB per partition). Every level trains to the weights of a run that holds everything
 * in memory (local[2], 3 GB driver); MEMORY_AND_DISK and DISK_ONLY hold the blocks on disk, MEMORY_ONLY holds none and
 * says once that they are recomputed from the source.
 */
@org.junit.jupiter.api.Tag("spark")
class StorageLevelClusterTest {
    private static final String SMALL_EXECUTORS = "local-cluster[2,1,512]";
    @TempDir
    static Path dir;
    static JsonNode inMemory;

    @BeforeAll
    static void limitStorageMemoryAndTrainInMemory() throws IOException {
        System.setProperty("spark.memory.fraction", "0.05");
        inMemory = train("local[2]", "MEMORY_ONLY").summary;
        assertEquals(0, inMemory.get("cachedDiskBytes").asLong());
        assertEquals(0, inMemory.get("partitionsNotCached").asInt(), "the reference holds every block in memory");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("spark.memory.fraction");
    }

    private record Trained(JsonNode summary, String err) {
    }

    private static Trained train(String master, String level) throws IOException {
        Path out = dir.resolve(master.replaceAll("[^a-z0-9]", "") + "-" + level);
        CliTestSupport.Run r = CliTestSupport.run("train", "conf/quickstart.conf", "--master", master, "--out", out.toString(),
                "--set", "data.format=synthetic", "--set", "data.synthetic.rows=12000", "--set", "data.synthetic.testRows=1000",
                "--set", "model.layers=[\"dense(16)\", relu, \"dense(10)\"]", "--set", "training.epochs=1", "--set", "training.batchSize=600",
                "--set", "training.partitions=2", "--set", "engine.mode=job", "--set", "engine.reduction=exact", "--set", "data.storageLevel=" + level);
        assertEquals(0, r.exitCode(), r.err());
        return new Trained(new ObjectMapper().readTree(out.resolve("summary.json").toFile()), r.err());
    }

    @Test
    void spilledBlocksTrainToTheWeightsOfBlocksInMemory() throws IOException {
        for (String level : new String[] {"MEMORY_AND_DISK", "DISK_ONLY"}) {
            Trained t = train(SMALL_EXECUTORS, level);
            assertEquals(inMemory.get("paramsSha256").asText(), t.summary.get("paramsSha256").asText(), level);
            assertTrue(t.summary.get("cachedDiskBytes").asLong() > 20_000_000, level + ": the blocks are on disk, " + t.summary);
            assertEquals(0, t.summary.get("partitionsNotCached").asInt(), level);
            assertFalse(t.err.contains("recomputed from the source"), t.err);
        }
    }

    @Test
    void blocksThatDoNotFitInMemoryOnlyAreRecomputedAndTheRunSaysSoOnce() throws IOException {
        Trained t = train(SMALL_EXECUTORS, "MEMORY_ONLY");
        assertEquals(inMemory.get("paramsSha256").asText(), t.summary.get("paramsSha256").asText());
        assertEquals(2, t.summary.get("partitionsNotCached").asInt(), t.summary.toString());
        String notice = "descent: warning: data.storageLevel = MEMORY_ONLY: 2 of 2 training partitions are not held by the executors";
        assertTrue(t.err.contains(notice), t.err);
        assertEquals(t.err.indexOf(notice), t.err.lastIndexOf(notice), "said once");
        assertTrue(t.err.contains("set data.storageLevel = MEMORY_AND_DISK"), t.err);
    }
}
