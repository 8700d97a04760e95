package org.descent.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar per epoch on an interactive console:
 * {@code epoch 2/5 [#########...........] 212/469  loss 0.4121  1,874 ex/s  ETA 14 s}, redrawn in
 * place at most ten times a second and cleared before the epoch's summary line. On anything but
 * a terminal (logs, CI) it prints nothing, so logs keep one line per epoch.
 */
public final class ConsoleProgress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int epochs;
    private final boolean enabled;
    private long epochStartNanos;
    private int epoch = -1;
    private long lastDraw;
    private long examples;
    private boolean drawn;

    public ConsoleProgress(PrintStream out, int epochs, boolean enabled) {
        this.out = out;
        this.epochs = epochs;
        this.enabled = enabled;
    }

    /** A bar on standard error when the process has a console. */
    public static ConsoleProgress onConsole(int epochs) {
        return new ConsoleProgress(System.err, epochs, System.console() != null && System.getenv("DESCENT_NO_PROGRESS") == null);
    }

    /**
     * Records a finished step.
     *
     * @param stepInEpoch 1-based count of steps done in this epoch
     */
    public void step(int epoch, long stepInEpoch, long stepsPerEpoch, double loss, long stepExamples) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (epoch != this.epoch) {
            this.epoch = epoch;
            epochStartNanos = now;
            examples = 0;
        }
        examples += stepExamples;
        if (now - lastDraw < 100_000_000L && stepInEpoch < stepsPerEpoch) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(epoch, epochs, stepInEpoch, stepsPerEpoch, loss, examples, (now - epochStartNanos) / 1e9));
        out.flush();
        drawn = true;
    }

    /** Clears the bar (before an epoch's summary line). */
    public void clear() {
        if (enabled && drawn) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
            drawn = false;
        }
    }

    /** The bar's text for a moment of an epoch; {@code seconds} since the epoch began. */
    static String line(int epoch, int epochs, long done, long total, double loss, long examples, double seconds) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, WIDTH * done / total);
        double rate = seconds > 0 ? examples / seconds : 0;
        double eta = done > 0 ? seconds * (total - done) / done : Double.NaN;
        return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d  loss %.4f  %,.0f ex/s  ETA %s", epoch + 1, epochs, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, loss, rate, Double.isNaN(eta) ? "?" : Math.round(eta) + " s");
    }
}
