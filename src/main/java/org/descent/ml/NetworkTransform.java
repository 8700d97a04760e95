package org.descent.ml;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A model's {@code transform}: every row keeps its columns and gains columns computed from the
 * network's outputs for its features. Within a partition rows are taken {@value #BATCH} at a time
 * and run as one batch (the dense layers' matrix products then see many rows at once); the
 * workspace is allocated once per partition.
 */
final class NetworkTransform {
    /** Rows per forward pass. */
    static final int BATCH = 512;

    private NetworkTransform() {
    }

    /** The appended columns' values for one row, from that row's outputs {@code out[offset, offset + k)}. */
    @FunctionalInterface
    interface Columns extends Serializable {
        void fill(float[] out, int offset, int k, Object[] values, int at);
    }

    /**
     * @param appended the new columns, in order, with their metadata
     * @param columns  writes one row's values of {@code appended}
     */
    static Dataset<Row> apply(Dataset<?> dataset, String featuresCol, List<StructField> appended, TrainedNetwork network, Columns columns) {
        StructType in = dataset.schema();
        StructType out = in;
        for (StructField f : appended) {
            out = out.add(f);
        }
        int features = in.fieldIndex(featuresCol);
        int width = in.size();
        int extra = appended.size();
        return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Batches(rows, network, features, width, extra, columns),
                Encoders.row(out));
    }

    /** The output rows of one partition, computed a batch at a time as they are consumed. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final TrainedNetwork.Workspace workspace;
        private final int features;
        private final int width;
        private final int extra;
        private final int k;
        private final Columns columns;
        private final Row[] batch = new Row[BATCH];
        private float[] out;
        private int size;
        private int next;

        Batches(Iterator<Row> rows, TrainedNetwork network, int features, int width, int extra, Columns columns) {
            this.rows = rows;
            this.workspace = network.workspace(BATCH);
            this.features = features;
            this.width = width;
            this.extra = extra;
            this.k = network.outputSize();
            this.columns = columns;
        }

        @Override
        public boolean hasNext() {
            if (next < size) {
                return true;
            }
            size = 0;
            next = 0;
            while (size < BATCH && rows.hasNext()) {
                Row row = rows.next();
                Object f = row.get(features);
                if (!(f instanceof Vector v)) {
                    throw new IllegalArgumentException("the features column holds " + (f == null ? "null" : f.getClass().getSimpleName()) + ", not a vector");
                }
                workspace.load(size, v);
                batch[size++] = row;
            }
            if (size > 0) {
                out = workspace.run(size);
            }
            return size > 0;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = batch[next];
            batch[next] = null;
            Object[] values = new Object[width + extra];
            for (int i = 0; i < width; i++) {
                values[i] = row.get(i);
            }
            columns.fill(out, next * k, k, values, width);
            next++;
            return RowFactory.create(values);
        }
    }
}
