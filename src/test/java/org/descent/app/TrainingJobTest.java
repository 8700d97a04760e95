package org.descent.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingJobTest {
    /** Executors run in their own working directories: a relative local path must reach them absolute. */
    /**
     * The walk follows training.shuffle; auto picks the global walk for the exact reduction (sync BN's auto choice, or
     * asked for), where reshuffling is refused, and the balanced per-partition walk for float sums, sync BN or not.
     */
    @Test
    void theGlobalWalkRefusesReshuffling() {
        org.descent.config.TrainConfig sync = org.descent.config.TrainConfig.load(null, java.util.List.of("engine.mode=barrier", "batchNorm.mode=sync"));
        assertEquals(org.descent.engine.BatchPlan.Shuffle.GLOBAL, TrainingJob.shuffle(sync, 2));
        assertEquals(org.descent.engine.BatchPlan.Shuffle.GLOBAL, TrainingJob.shuffle(org.descent.config.TrainConfig.load(null,
                java.util.List.of("engine.mode=barrier", "engine.reduction=exact")), 2), "exact sums without batch norm");
        assertEquals(org.descent.engine.BatchPlan.Shuffle.PARTITION, TrainingJob.shuffle(org.descent.config.TrainConfig.load(null,
                java.util.List.of("engine.mode=barrier", "batchNorm.mode=sync", "engine.reduction=float")), 2), "sync BN with float sums");
        assertEquals(org.descent.engine.BatchPlan.Shuffle.GLOBAL, TrainingJob.shuffle(org.descent.config.TrainConfig.load(null,
                java.util.List.of("engine.reduction=float", "training.batchSize=1")), 2), "fewer examples a step than partitions");
        assertEquals(org.descent.engine.BatchPlan.Shuffle.PARTITION,
                TrainingJob.shuffle(org.descent.config.TrainConfig.load(null, java.util.List.of("training.reshuffleEveryEpochs=2")), 2));
        String message = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TrainingJob.shuffle(
                org.descent.config.TrainConfig.load(null, java.util.List.of("engine.mode=barrier", "batchNorm.mode=sync", "training.reshuffleEveryEpochs=2")), 2))
                .getMessage();
        assertTrue(message.contains("training.reshuffleEveryEpochs = 2 needs training.shuffle = partition"), message);
    }

    @Test
    void relativeDataDirectoriesBecomeAbsoluteUris() {
        String resolved = org.descent.io.DriverPaths.qualify("data/fashion-mnist");
        assertTrue(resolved.startsWith("file:/"), resolved);
        assertEquals("file://" + Path.of("data/fashion-mnist").toAbsolutePath(), resolved);
        assertEquals("file:///tmp/dir with space/fm", org.descent.io.DriverPaths.qualify("/tmp/dir with space/fm"), "a Hadoop path string, not encoded");
        assertEquals("hdfs://namenode:8020/data/fmnist", org.descent.io.DriverPaths.qualify("hdfs://namenode:8020/data/fmnist"));
        assertEquals("s3a://bucket/fmnist", org.descent.io.DriverPaths.qualify("s3a://bucket/fmnist"));
    }

    @Test
    void paramsShaIsOfLittleEndianFloat32Bytes() {
        // SHA-256 of the 8 bytes 00 00 80 3f 00 00 00 40 (1.0f, 2.0f little-endian), computed independently
        // with Python's hashlib over struct.pack('<2f', 1.0, 2.0).
        assertEquals("b9c80b5adeca450753a16950c3cc655d271f7bef7a485bc83f112b72fef21d37", TrainingJob.sha256(new float[] {1f, 2f}));
        assertTrue(!TrainingJob.sha256(new float[] {1f, 2f}).equals(TrainingJob.sha256(new float[] {2f, 1f})));
    }
}
