package org.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LibsvmParserTest {
    @Test
    void absentFeaturesAreZeroAndTheLabelComesLast() throws DataFormatException {
        LibsvmParser parser = new LibsvmParser(5);
        assertArrayEquals(new float[] {0.5f, 0, 0, -1f, 0, 3f}, parser.parse("3 1:0.5 4:-1  # a comment"));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1f}, parser.parse("1"));
        assertEquals(4, LibsvmParser.maxIndex("3 1:0.5 4:-1"));
        org.junit.jupiter.api.Assertions.assertTrue(parser.isEmpty("   # a comment line") && parser.isEmpty(" ") && !parser.isEmpty("1 # row"));
    }

    @Test
    void badRowsSayWhatIsWrong() {
        LibsvmParser parser = new LibsvmParser(5);
        assertEquals("index 2 follows 4 (indices must be ascending and start at 1)",
                assertThrows(DataFormatException.class, () -> parser.parse("1 4:1 2:1")).getMessage());
        assertEquals("index 0 (indices start at 1)",
                assertThrows(DataFormatException.class, () -> parser.parse("1 0:1")).getMessage());
        assertEquals("index 6 exceeds the 5 features", assertThrows(DataFormatException.class, () -> parser.parse("1 6:1")).getMessage());
        assertEquals("'3-1' is not index:value", assertThrows(DataFormatException.class, () -> parser.parse("1 3-1")).getMessage());
        assertEquals("feature 2 is 'x', not a number", assertThrows(DataFormatException.class, () -> parser.parse("1 2:x")).getMessage());
        assertEquals("the label is 'one', not a number", assertThrows(DataFormatException.class, () -> parser.parse("one 2:1")).getMessage());
        assertEquals("feature 3 is NaN (features and labels must be finite)", assertThrows(DataFormatException.class, () -> parser.parse("1 3:NaN")).getMessage());
    }
}
