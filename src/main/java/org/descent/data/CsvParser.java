package org.descent.data;

import java.util.Arrays;
import java.util.List;

/**
 * Delimited text rows: every column is a number; one of them, at {@code labelColumn}, is the
 * label, the others in order are the features. Quoting is not interpreted — numeric data needs
 * none — so a quoted field is reported as not a number.
 */
public final class CsvParser implements RowParser {
    private static final long serialVersionUID = 1L;
    private final char delimiter;
    private final int columns;
    private final int labelColumn;

    /**
     * @param columns the number of columns every row must have (features + 1)
     * @param labelColumn 0-based index of the label column
     */
    public CsvParser(char delimiter, int columns, int labelColumn) {
        if (columns < 2) {
            throw new IllegalArgumentException("a CSV row needs a label and at least one feature, got " + columns + " column(s)");
        }
        if (labelColumn < 0 || labelColumn >= columns) {
            throw new IllegalArgumentException("label column " + labelColumn + " is outside the " + columns + " columns");
        }
        this.delimiter = delimiter;
        this.columns = columns;
        this.labelColumn = labelColumn;
    }

    /**
     * The label column named {@code label} in {@code header}, or, when no column has that name, a
     * 0-based index written as digits.
     *
     * @throws IllegalArgumentException naming the label and the columns when neither applies
     */
    public static int labelColumn(String label, List<String> header) {
        int byName = header.indexOf(label);
        if (byName >= 0) {
            return byName;
        }
        if (label.matches("\\d+")) {
            int index = Integer.parseInt(label);
            if (index < header.size()) {
                return index;
            }
            throw new IllegalArgumentException("label column " + index + " is outside the " + header.size() + " columns");
        }
        throw new IllegalArgumentException("no column named '" + label + "' (columns: " + String.join(", ", header) + ")");
    }

    /** The fields of a header or data line. */
    public static List<String> split(String line, char delimiter) {
        return Arrays.asList(line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1));
    }

    @Override
    public int features() {
        return columns - 1;
    }

    @Override
    public float[] parse(String line) throws DataFormatException {
        float[] row = new float[columns];
        int column = 0;
        int start = 0;
        int length = line.length();
        while (true) {
            int end = line.indexOf(delimiter, start);
            if (end < 0) {
                end = length;
            }
            if (column >= columns) {
                throw new DataFormatException(count(line) + " columns, expected " + columns);
            }
            float v = number(line, start, end, column);
            row[column == labelColumn ? columns - 1 : column < labelColumn ? column : column - 1] = v;
            column++;
            if (end == length) {
                break;
            }
            start = end + 1;
        }
        if (column != columns) {
            throw new DataFormatException(column + " columns, expected " + columns);
        }
        return row;
    }

    private float number(String line, int start, int end, int column) throws DataFormatException {
        String field = line.substring(start, end).trim();
        float v;
        try {
            v = Float.parseFloat(field);
        } catch (NumberFormatException e) {
            throw new DataFormatException("column " + (column + 1) + " is '" + abbreviate(field) + "', not a number");
        }
        if (!Float.isFinite(v)) {
            throw new DataFormatException("column " + (column + 1) + " is " + field + " (features and labels must be finite)");
        }
        return v;
    }

    private int count(String line) {
        int n = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                n++;
            }
        }
        return n;
    }

    /** {@code s}, cut to 40 characters for error messages. */
    public static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
