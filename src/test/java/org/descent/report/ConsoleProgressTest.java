package org.descent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void theBarShowsProgressThroughputAndTheRemainingTime() {
        assertEquals("epoch 2/5 [###############...............] 50/100  loss 0.4121  1,000 ex/s  ETA 10 s",
                ConsoleProgress.line(1, 5, 50, 100, 0.41214, 10_000, 10.0));
        assertEquals("epoch 1/1 [..............................] 0/10  loss 0.0000  0 ex/s  ETA ?", ConsoleProgress.line(0, 1, 0, 10, 0, 0, 0));
    }

    @Test
    void nothingIsPrintedOffATerminalAndTheLastStepIsAlwaysDrawn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleProgress off = new ConsoleProgress(out, 1, false);
        off.step(0, 1, 2, 1.0, 10);
        off.clear();
        assertEquals(0, bytes.size());
        ConsoleProgress on = new ConsoleProgress(out, 1, true);
        on.step(0, 1, 2, 1.0, 10);
        on.step(0, 2, 2, 0.5, 10);   // within 100 ms of the first, but the epoch's end is drawn
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("] 2/2  loss 0.5000"), text);
        on.clear();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\r"));
    }
}
