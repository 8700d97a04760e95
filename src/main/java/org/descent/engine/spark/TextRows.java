package org.descent.engine.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.descent.data.DataFormatException;
import org.descent.data.LabelRule;
import org.descent.data.LibsvmParser;
import org.descent.data.RowParser;

/**
 * Text data files (CSV, LIBSVM) on any Hadoop FileSystem, parsed on the executors with the file
 * and 1-based line number of every row at hand, so that a bad row's error says exactly where it
 * is. Blank lines are ignored; compressed files (.gz, .bz2) are read through Hadoop's codecs.
 */
public final class TextRows {
    private TextRows() {
    }

    /**
     * The data files a path names: the file itself, the visible files of a directory (names not
     * starting with {@code _} or {@code .}), or the matches of a glob — sorted by name.
     */
    public static List<Path> files(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
            throw new DataFormatException(path + ": no such file or directory");
        }
        List<Path> out = new ArrayList<>();
        for (FileStatus m : matches) {
            if (m.isDirectory()) {
                for (FileStatus f : fs.listStatus(m.getPath())) {
                    if (f.isFile() && visible(f.getPath())) {
                        out.add(f.getPath());
                    }
                }
            } else if (visible(m.getPath())) {
                out.add(m.getPath());
            }
        }
        if (out.isEmpty()) {
            throw new DataFormatException(path + ": no data files (a directory's files starting with _ or . are ignored)");
        }
        out.sort(null);
        return out;
    }

    private static boolean visible(Path p) {
        return !p.getName().startsWith("_") && !p.getName().startsWith(".");
    }

    /** The first non-blank line of a file, read on the driver (header or first row), or null for an empty file. */
    public static String firstLine(Path file, Configuration hadoop) throws IOException {
        try (BufferedReader r = reader(file, hadoop)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    return line;
                }
            }
            return null;
        }
    }

    private static BufferedReader reader(Path file, Configuration hadoop) throws IOException {
        FileSystem fs = file.getFileSystem(hadoop);
        InputStream in = fs.open(file);
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
        if (codec != null) {
            in = codec.createInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /**
     * Every row of {@code files} in order; with {@code header} the first non-blank line of each file
     * is skipped. A row that does not parse, or whose label breaks {@code rule}, becomes a bad row
     * whose error reads {@code file:line: problem}.
     */
    public static JavaRDD<ParsedRow> parse(JavaSparkContext sc, List<Path> files, RowParser parser, boolean header, LabelRule rule) {
        List<JavaRDD<ParsedRow>> parts = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            JavaRDD<ParsedRow> rows = sc.textFile(name).zipWithIndex().mapPartitions(it -> {
                List<ParsedRow> out = new ArrayList<>();
                boolean seen = false;
                boolean headerPending = header;
                while (it.hasNext()) {
                    scala.Tuple2<String, Long> t = it.next();
                    if (!seen) {
                        seen = true;
                        headerPending &= t._2() == 0;   // only the split that starts the file holds its header
                    }
                    String line = t._1();
                    if (parser.isEmpty(line)) {
                        continue;
                    }
                    if (headerPending) {
                        headerPending = false;
                        continue;
                    }
                    try {
                        float[] row = parser.parse(line);
                        rule.check(row);
                        out.add(ParsedRow.good(row));
                    } catch (DataFormatException e) {
                        out.add(ParsedRow.bad(name + ":" + (t._2() + 1) + ": " + e.getMessage()));
                    }
                }
                return out.iterator();
            }, true);
            parts.add(rows);
        }
        return parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(new JavaRDD[0]));
    }

    /**
     * The number of features of LIBSVM files: the largest index in any row (one pass over the
     * data); with {@code skipBad} rows without a readable index are left to the parse that skips them.
     */
    public static int libsvmFeatures(JavaSparkContext sc, List<Path> files, boolean skipBad) throws DataFormatException {
        List<JavaRDD<String[]>> parts = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            parts.add(sc.textFile(name).zipWithIndex().mapPartitions(it -> {
                int max = 0;
                while (it.hasNext()) {
                    scala.Tuple2<String, Long> t = it.next();
                    try {
                        max = Math.max(max, LibsvmParser.maxIndex(t._1()));
                    } catch (DataFormatException e) {
                        if (!skipBad) {   // the split's first bad row; the driver reports the earliest split's
                            return java.util.Collections.singletonList(new String[] {Integer.toString(max), name + ":" + (t._2() + 1) + ": " + e.getMessage()}).iterator();
                        }
                    }
                }
                return java.util.Collections.singletonList(new String[] {Integer.toString(max), null}).iterator();
            }, true));
        }
        JavaRDD<String[]> all = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(new JavaRDD[0]));
        int max = 0;
        for (String[] r : all.collect()) {   // in split order
            if (r[1] != null) {
                throw new DataFormatException(r[1]);
            }
            max = Math.max(max, Integer.parseInt(r[0]));
        }
        return max;
    }
}
