package org.descent.report;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.descent.data.DataFormatException;

/**
 * Reading the JSON of a run directory. Numbers may be written as JSON numbers, as the strings
 * Jackson writes for non-finite doubles ({@code "NaN"}, {@code "Infinity"}) or as the bare
 * {@code NaN} token; absent and null fields read as NaN.
 */
final class Json {
    /** Accepts the non-standard {@code NaN} and {@code Infinity} tokens as well. */
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Json() {
    }

    /** Thrown by {@link #number} for a field that holds something other than a number; the caller adds the file and line. */
    static final class NotANumber extends Exception {
        private static final long serialVersionUID = 1L;

        NotANumber(String message) {
            super(message, null, false, false);
        }
    }

    /** The field as a double: NaN when absent or null, an error when it is neither a number nor a numeric string. */
    static double number(JsonNode node, String field) throws NotANumber {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.textValue().strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new NotANumber("'" + field + "' is not a number: " + abbreviate(v.toString()));
    }

    /** Parses one JSON value; the message of a failure names the file, line and the parser's complaint. */
    static JsonNode parse(String text, Path file, long lineOffset) throws DataFormatException {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            String what = e instanceof JsonParseException ? "not valid JSON" : "unreadable JSON";
            throw new DataFormatException(file + ":" + (lineOffset + line) + ": " + what + " (" + e.getOriginalMessage() + ")");
        }
    }

    /** Reads a whole JSON file; a missing file gives null. */
    static JsonNode readFile(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(file + ": not UTF-8 text");
        }
        JsonNode node = parse(text, file, 0);
        if (node == null || node.isMissingNode()) {
            throw new DataFormatException(file + ": empty");
        }
        return node;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
