package org.descent.engine.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.descent.data.DataFormatException;
import org.descent.data.LabelRule;
import scala.collection.Seq;

/**
 * Rows of a DataFrame (Parquet files, or any DataFrame) with a feature column — an ML
 * {@code Vector} or an array of numbers — and a numeric label column. A bad row's error names its
 * file and row in it when the frame carries {@link #FILE} and {@link #ROW}, else its source file
 * (when read from files), its input split and its row in that split.
 */
public final class ParquetRows {
    /** Columns that, when present, locate a row: its file and its 0-based index in that file. */
    public static final String FILE = "__descent_file";
    public static final String ROW = "__descent_row";

    private ParquetRows() {
    }

    /** Every row of {@code frame}, checked to have {@code features} finite features and a label that fits {@code rule}. */
    public static JavaRDD<ParsedRow> parse(Dataset<Row> frame, String featuresCol, String labelCol, int features, LabelRule rule, String what) {
        columns(frame, featuresCol, labelCol, what);
        boolean located = List.of(frame.columns()).contains(FILE) && List.of(frame.columns()).contains(ROW);
        Dataset<Row> selected = located ? frame.select(functions.col(featuresCol), functions.col(labelCol), functions.col(FILE), functions.col(ROW))
                : frame.select(functions.col(featuresCol), functions.col(labelCol), functions.input_file_name());
        return selected.javaRDD().mapPartitionsWithIndex((p, it) -> {
            List<ParsedRow> out = new ArrayList<>();
            long i = 0;
            while (it.hasNext()) {
                Row row = it.next();
                try {
                    float[] values = values(row.get(0), row.get(1), features);
                    rule.check(values);
                    out.add(ParsedRow.good(values));
                } catch (DataFormatException e) {
                    String file = row.getString(2);
                    String where = located ? file + ": row " + row.getLong(3) : (file == null || file.isEmpty() ? what : file) + ": split " + p + " row " + i;
                    out.add(ParsedRow.bad(where + ": " + e.getMessage()));
                }
                i++;
            }
            return out.iterator();
        }, true);
    }

    /** The width of the first row's feature column (to infer the model's input), read on the driver. */
    public static int firstWidth(Dataset<Row> frame, String featuresCol, String labelCol, String what) throws DataFormatException {
        columns(frame, featuresCol, labelCol, what);
        List<Row> first = frame.select(featuresCol).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new DataFormatException(what + ": no rows");
        }
        Object f = first.get(0).get(0);
        if (f instanceof Vector v) {
            return v.size();
        }
        if (f instanceof Seq<?> s) {
            return s.size();
        }
        throw new DataFormatException(what + ": column '" + featuresCol + "' holds " + (f == null ? "null" : f.getClass().getSimpleName())
                + ", not a vector or an array of numbers");
    }

    private static void columns(Dataset<Row> frame, String featuresCol, String labelCol, String what) {
        List<String> names = List.of(frame.columns());
        for (String c : new String[] {featuresCol, labelCol}) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(what + ": no column '" + c + "' (columns: " + String.join(", ", names) + ")");
            }
        }
    }

    private static float[] values(Object f, Object label, int features) throws DataFormatException {
        float[] out = new float[features + 1];
        int n;
        if (f instanceof Vector v) {
            n = v.size();
            if (n == features) {
                for (int j = 0; j < n; j++) {
                    out[j] = finite((float) v.apply(j), j);
                }
            }
        } else if (f instanceof Seq<?> seq) {
            n = seq.size();
            if (n == features) {
                scala.collection.Iterator<?> it = seq.iterator();
                for (int j = 0; j < n; j++) {
                    Object o = it.next();
                    if (!(o instanceof Number x)) {
                        throw new DataFormatException("feature " + j + " is " + o + ", not a number");
                    }
                    out[j] = finite(x.floatValue(), j);
                }
            }
        } else {
            throw new DataFormatException("the feature column holds " + (f == null ? "null" : f.getClass().getSimpleName()) + ", not a vector or an array");
        }
        if (n != features) {
            throw new DataFormatException(n + " features, expected " + features);
        }
        if (!(label instanceof Number l)) {
            throw new DataFormatException("the label is " + label + ", not a number");
        }
        out[features] = l.floatValue();
        return out;
    }

    private static float finite(float v, int j) throws DataFormatException {
        if (!Float.isFinite(v)) {
            throw new DataFormatException("feature " + j + " is " + v + " (features must be finite)");
        }
        return v;
    }
}
