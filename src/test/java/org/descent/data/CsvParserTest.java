package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvParserTest {
    @Test
    void theLabelColumnMovesToTheEndAndTheOthersKeepTheirOrder() throws DataFormatException {
        CsvParser parser = new CsvParser(',', 4, 1);
        assertEquals(3, parser.features());
        assertArrayEquals(new float[] {0.5f, -2f, 3e-3f, 7f}, parser.parse("0.5, 7 ,-2,3e-3"));
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, new CsvParser(';', 4, 3).parse("1;2;3;4"));
    }

    @Test
    void badRowsSayWhatIsWrong() {
        CsvParser parser = new CsvParser(',', 3, 0);
        assertEquals("column 2 is 'abc', not a number", assertThrows(DataFormatException.class, () -> parser.parse("1,abc,3")).getMessage());
        assertEquals("column 3 is NaN (features and labels must be finite)", assertThrows(DataFormatException.class, () -> parser.parse("1,2,NaN")).getMessage());
        assertEquals("2 columns, expected 3", assertThrows(DataFormatException.class, () -> parser.parse("1,2")).getMessage());
        assertEquals("4 columns, expected 3", assertThrows(DataFormatException.class, () -> parser.parse("1,2,3,4")).getMessage());
        assertEquals("column 2 is '', not a number", assertThrows(DataFormatException.class, () -> parser.parse("1,,3")).getMessage());
    }

    @Test
    void theLabelIsAHeaderNameOrAnIndex() {
        List<String> header = List.of("a", "b", "label");
        assertEquals(2, CsvParser.labelColumn("label", header));
        assertEquals(1, CsvParser.labelColumn("1", header));
        assertEquals("no column named 'target' (columns: a, b, label)",
                assertThrows(IllegalArgumentException.class, () -> CsvParser.labelColumn("target", header)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvParser.labelColumn("3", header));
    }
}
