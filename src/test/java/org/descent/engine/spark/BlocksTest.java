package org.descent.engine.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DataFrames (ML vector or array feature columns) become one float32 block per partition. */
@org.junit.jupiter.api.Tag("spark")
class BlocksTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("BlocksTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void vectorAndArrayColumnsGiveTheSameBlocks() {
        StructType vectors = new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType);
        StructType arrays = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        List<Row> vRows = List.of(RowFactory.create(Vectors.dense(1, 2, 3), 0.0), RowFactory.create(Vectors.sparse(3, new int[] {1}, new double[] {5}), 2.0),
                RowFactory.create(Vectors.dense(-1, 0, 1), 1.0));
        List<Row> aRows = List.of(RowFactory.create(List.of(1.0, 2.0, 3.0), 0), RowFactory.create(List.of(0.0, 5.0, 0.0), 2),
                RowFactory.create(List.of(-1.0, 0.0, 1.0), 1));
        for (Dataset<Row> frame : List.of(spark.createDataFrame(vRows, vectors).coalesce(1), spark.createDataFrame(aRows, arrays).coalesce(1))) {
            List<Block> blocks = Blocks.fromDataFrame(frame, "features", "label").collect();
            assertEquals(1, blocks.size());
            Block b = blocks.get(0);
            assertEquals(3, b.size());
            assertEquals(3, b.featureSize());
            assertArrayEquals(new float[] {1, 2, 3, 0, 5, 0, -1, 0, 1}, b.features());
            assertArrayEquals(new float[] {0, 2, 1}, b.labels());
        }
    }

    @Test
    void anRddOfLabeledPointsGivesOneBlockPerPartition() {
        org.apache.spark.api.java.JavaSparkContext sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<org.apache.spark.ml.feature.LabeledPoint> points = List.of(
                new org.apache.spark.ml.feature.LabeledPoint(1, Vectors.dense(1, 2)), new org.apache.spark.ml.feature.LabeledPoint(0, Vectors.sparse(2, new int[] {1}, new double[] {7})),
                new org.apache.spark.ml.feature.LabeledPoint(3, Vectors.dense(5, 6)));
        List<Block> blocks = Blocks.fromLabeledPoints(sc.parallelize(points, 2)).collect();
        assertEquals(2, blocks.size());
        assertArrayEquals(new float[] {1, 2}, blocks.get(0).features());
        assertArrayEquals(new float[] {1}, blocks.get(0).labels());
        assertArrayEquals(new float[] {0, 7, 5, 6}, blocks.get(1).features());
        assertArrayEquals(new float[] {0, 3}, blocks.get(1).labels());
    }

    @Test
    void aRowOfTheWrongWidthNamesPartitionAndRow() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.DoubleType);
        Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create(List.of(1.0, 2.0), 0.0), RowFactory.create(List.of(1.0), 1.0)), schema).coalesce(1);
        Exception e = assertThrows(Exception.class, () -> Blocks.fromDataFrame(frame, "features", "label").collect());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(String.valueOf(root.getMessage()).contains("partition 0 row 1: 1 features, earlier rows have 2"), String.valueOf(root.getMessage()));
    }
}
