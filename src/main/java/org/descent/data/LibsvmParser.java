package org.descent.data;

/**
 * LIBSVM / SVMlight rows: {@code label index:value index:value ...} with 1-based, strictly
 * ascending indices; absent features are 0. Anything after {@code #} is a comment.
 */
public final class LibsvmParser implements RowParser {
    private static final long serialVersionUID = 1L;
    private final int features;

    public LibsvmParser(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("a LIBSVM row needs at least one feature, got " + features);
        }
        this.features = features;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public float[] parse(String line) throws DataFormatException {
        float[] row = new float[features + 1];
        String[] tokens = tokens(line);
        if (tokens.length == 0) {
            throw new DataFormatException("empty row");
        }
        row[features] = finite(tokens[0], "the label");
        int previous = 0;
        for (int t = 1; t < tokens.length; t++) {
            String token = tokens[t];
            int colon = token.indexOf(':');
            if (colon <= 0) {
                throw new DataFormatException("'" + CsvParser.abbreviate(token) + "' is not index:value");
            }
            int index = index(token.substring(0, colon));
            if (index < 1) {
                throw new DataFormatException("index " + index + " (indices start at 1)");
            }
            if (index <= previous) {
                throw new DataFormatException("index " + index + " follows " + previous + " (indices must be ascending and start at 1)");
            }
            if (index > features) {
                throw new DataFormatException("index " + index + " exceeds the " + features + " features");
            }
            row[index - 1] = finite(token.substring(colon + 1), "feature " + index);
            previous = index;
        }
        return row;
    }

    @Override
    public boolean isEmpty(String line) {
        return tokens(line).length == 0;
    }

    /** The largest feature index of a line (0 when it has none), for inferring the feature count. */
    public static int maxIndex(String line) throws DataFormatException {
        String[] tokens = tokens(line);
        int max = 0;
        for (int t = 1; t < tokens.length; t++) {
            int colon = tokens[t].indexOf(':');
            if (colon <= 0) {
                throw new DataFormatException("'" + CsvParser.abbreviate(tokens[t]) + "' is not index:value");
            }
            max = Math.max(max, index(tokens[t].substring(0, colon)));
        }
        return max;
    }

    private static String[] tokens(String line) {
        int hash = line.indexOf('#');
        String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
        return body.isEmpty() ? new String[0] : body.split("\\s+");
    }

    private static int index(String s) throws DataFormatException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException("index '" + CsvParser.abbreviate(s) + "' is not an integer");
        }
    }

    private static float finite(String s, String what) throws DataFormatException {
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(what + " is '" + CsvParser.abbreviate(s) + "', not a number");
        }
        if (!Float.isFinite(v)) {
            throw new DataFormatException(what + " is " + s + " (features and labels must be finite)");
        }
        return v;
    }
}
