package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkSetupTest {
    @Test
    void localClusterExecutorsGetTheWorkersMemoryAndLoopbackMastersBindTo127() {
        SparkConf c = SparkSetup.conf("t", "local-cluster[2, 1, 4096]");
        assertEquals("4096m", c.get("spark.executor.memory"));
        assertEquals("127.0.0.1", c.get("spark.driver.host"));
        assertFalse(SparkSetup.conf("t", "local[2]").contains("spark.executor.memory"));
        assertEquals("local[*]", SparkSetup.conf("t", null).get("spark.master"));
    }
}
