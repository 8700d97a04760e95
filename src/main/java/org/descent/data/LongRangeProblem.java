package org.descent.data;

import java.io.Serializable;
import java.util.Locale;
import org.descent.loss.SoftmaxCrossEntropy;
import org.descent.tensor.Rng;
import org.descent.tensor.Shape;

/**
 * The long-range problems of the batch-norm deck's RNN table (Sutskever, Martens, Dahl &amp; Hinton 2013, Table 4),
 * which take them from Martens &amp; Sutskever 2011 ("pathological synthetic problems", after Hochreiter &amp;
 * Schmidhuber 1997). One example is a sequence {@code [length, features]}, row-major; every example is drawn from the
 * {@link Rng} it is given, so a stream seeded per partition is reproducible.
 * <ul>
 *   <li><b>addition</b> and <b>multiplication</b> at T steps: each step carries two features, a value
 *       {@code v_t ~ U[0, 1]} and a marker {@code m_t ∈ {0, 1}}; exactly two steps are marked, the first uniformly
 *       among the first ⌈T/10⌉ steps and the second uniformly among the steps from ⌈T/10⌉ to ⌊T/2⌋ − 1. The target,
 *       read after the last step, is the sum (or the product) of the two marked values; the loss is the squared
 *       error. (Hochreiter &amp; Schmidhuber drew the values from [−1, 1] and scaled the target; Martens &amp; Sutskever
 *       use [0, 1] and the plain sum, as here.)</li>
 *   <li><b>memorization</b> (Martens &amp; Sutskever's "noiseless memorization"): N symbols from an alphabet of K are
 *       shown one per step, then T − 1 blank steps, then one "go" step, then N blank steps during which the network
 *       must output the N symbols in order: {@code length = 2N + T}, {@code features = K + 2} (one-hot: K symbols,
 *       blank, go). Targets exist at the last N steps only (elsewhere {@link SoftmaxCrossEntropy#NO_TARGET}); the loss is the
 *       cross-entropy of each recalled symbol, summed over the N. The deck's mem-5 is N = 5 binary symbols (5 bits)
 *       at T = 200 and its mem-20 N = 10 symbols of K = 4 (20 bits) at T = 80.</li>
 * </ul>
 * The deck's absolute losses depend on a scaling the paper does not spell out (its "biases" column, the loss of the
 * best constant predictor, is 0.82 for addition where the variance of the sum of two U[0, 1] values is 1/6), so
 * results are compared through that column: each method's loss as a fraction of the biases-only loss.
 *
 * @param kind the problem
 * @param steps T
 * @param symbols memorization: N, the symbols to recall
 * @param alphabet memorization: K, the symbols' alphabet
 */
public record LongRangeProblem(Kind kind, int steps, int symbols, int alphabet) implements Serializable {
    public enum Kind { ADDITION, MULTIPLICATION, MEMORIZATION }

    public LongRangeProblem {
        if (steps < (kind == Kind.MEMORIZATION ? 1 : 4)) {
            throw new IllegalArgumentException("data.synthetic.steps = " + steps + " is too short for " + name(kind) + " (at least "
                    + (kind == Kind.MEMORIZATION ? 1 : 4) + ")");
        }
        if (kind == Kind.MEMORIZATION && (symbols < 1 || alphabet < 2)) {
            throw new IllegalArgumentException("memorization needs data.synthetic.symbols ≥ 1 and data.synthetic.alphabet ≥ 2, got " + symbols + " and " + alphabet);
        }
    }

    /** The problem named {@code kind} (addition, multiplication or memorization), or null for another kind. */
    public static LongRangeProblem of(String kind, int steps, int symbols, int alphabet) {
        return switch (kind) {
            case "addition" -> new LongRangeProblem(Kind.ADDITION, steps, symbols, alphabet);
            case "multiplication" -> new LongRangeProblem(Kind.MULTIPLICATION, steps, symbols, alphabet);
            case "memorization" -> new LongRangeProblem(Kind.MEMORIZATION, steps, symbols, alphabet);
            default -> null;
        };
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** Steps per example. */
    public int length() {
        return kind == Kind.MEMORIZATION ? 2 * symbols + steps : steps;
    }

    /** Features per step. */
    public int features() {
        return kind == Kind.MEMORIZATION ? alphabet + 2 : 2;
    }

    /** {@code [length, features]}. */
    public Shape shape() {
        return Shape.of(length(), features());
    }

    /** Labels per example: 1 (the target value), or one class per step for memorization. */
    public int labelWidth() {
        return kind == Kind.MEMORIZATION ? length() : 1;
    }

    /**
     * The test loss of the best predictor that ignores the inputs (what a network that learns only its biases can
     * reach; the deck's "biases" column): the variance of the target for addition (2 · 1/12 = 1/6) and multiplication
     * (E[a²]E[b²] − E[a]²E[b]² = 1/9 − 1/16 = 7/144), and {@code N ln K} for memorization (a uniform guess at each of
     * the N recalled symbols).
     */
    public double constantPredictorLoss() {
        return switch (kind) {
            case ADDITION -> 1.0 / 6;
            case MULTIPLICATION -> 7.0 / 144;
            case MEMORIZATION -> symbols * Math.log(alphabet);
        };
    }

    /** Writes one example: {@code length·features} inputs at {@code x[xo]} and {@link #labelWidth()} labels at {@code y[yo]}. */
    public void example(Rng rng, float[] x, int xo, float[] y, int yo) {
        int f = features();
        java.util.Arrays.fill(x, xo, xo + length() * f, 0f);
        if (kind == Kind.MEMORIZATION) {
            int blank = alphabet;
            int go = alphabet + 1;
            java.util.Arrays.fill(y, yo, yo + length(), SoftmaxCrossEntropy.NO_TARGET);
            for (int t = 0; t < length(); t++) {
                x[xo + t * f + blank] = 1f;
            }
            for (int i = 0; i < symbols; i++) {
                int s = rng.nextInt(alphabet);
                x[xo + i * f + blank] = 0f;
                x[xo + i * f + s] = 1f;
                y[yo + symbols + steps + i] = s;
            }
            int goStep = symbols + steps - 1;
            x[xo + goStep * f + blank] = 0f;
            x[xo + goStep * f + go] = 1f;
            return;
        }
        int early = (steps + 9) / 10;
        int first = rng.nextInt(early);
        int second = early + rng.nextInt(Math.max(1, steps / 2 - early));
        for (int t = 0; t < steps; t++) {
            x[xo + t * f] = (float) rng.nextDouble();
        }
        x[xo + first * f + 1] = 1f;
        x[xo + second * f + 1] = 1f;
        float a = x[xo + first * f];
        float b = x[xo + second * f];
        y[yo] = kind == Kind.ADDITION ? a + b : a * b;
    }
}
