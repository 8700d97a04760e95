package org.descent.init;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.descent.tensor.Rng;
import org.descent.util.Suggest;

/**
 * The initializers, by factory method and by name ({@link #byName}). For a unit with n = fanIn
 * inputs:
 * <ul>
 *   <li>{@code zeros}, {@code constant(c)} — e.g. biases of 0.01 for ReLU units, as the optimization deck suggests;</li>
 *   <li>{@code uniform(a)} U(−a, a) and {@code normal(σ)} N(0, σ²): small random values;</li>
 *   <li>{@code xavier_uniform} U(±√(6/(fanIn+fanOut))), {@code xavier_normal} N(0, 2/(fanIn+fanOut))
 *       (Glorot &amp; Bengio 2010);</li>
 *   <li>{@code lecun_normal} N(0, 1/n), {@code lecun_uniform} U(±√(3/n)) (LeCun et al. 1998). The
 *       optimization deck's "Xavier" {@code randn(n)/sqrt(n)} is LeCun normal: the same standard deviation √(1/n);</li>
 *   <li>{@code he_normal} N(0, 2/n) — the optimization deck's {@code randn(n)·sqrt(2/n)} — and {@code he_uniform}
 *       U(±√(6/n)) (He et al. 2015);</li>
 *   <li>{@code orthogonal(gain)}: rows of an orthogonalized Gaussian matrix (Saxe et al. 2014);</li>
 *   <li>{@code sparse(k)}: each unit gets exactly min(k, n) non-zero incoming weights from a unit
 *       Gaussian, the rest zero (Martens 2010; k = 15 by default).</li>
 * </ul>
 */
public final class Initializers {
    private Initializers() {
    }

    /** A named initializer that draws each value independently from a distribution of the spec. */
    private record Elementwise(String name, Kind kind, double a) implements Initializer {
        private enum Kind { CONSTANT, UNIFORM, NORMAL, XAVIER_UNIFORM, XAVIER_NORMAL, LECUN_UNIFORM, LECUN_NORMAL, HE_UNIFORM, HE_NORMAL }

        @Override
        public void fill(float[] w, int offset, TensorShape shape, Rng rng) {
            double n = shape.fanIn();
            double fans = shape.fanIn() + (double) shape.fanOut();
            for (int i = 0; i < shape.length(); i++) {
                double v = switch (kind) {
                    case CONSTANT -> a;
                    case UNIFORM -> uniform(rng, a);
                    case NORMAL -> rng.nextGaussian() * a;
                    case XAVIER_UNIFORM -> uniform(rng, Math.sqrt(6 / fans));
                    case XAVIER_NORMAL -> rng.nextGaussian() * Math.sqrt(2 / fans);
                    case LECUN_UNIFORM -> uniform(rng, Math.sqrt(3 / n));
                    case LECUN_NORMAL -> rng.nextGaussian() * Math.sqrt(1 / n);
                    case HE_UNIFORM -> uniform(rng, Math.sqrt(6 / n));
                    case HE_NORMAL -> rng.nextGaussian() * Math.sqrt(2 / n);
                };
                w[offset + i] = (float) v;
            }
        }

        private static double uniform(Rng rng, double bound) {
            return (2 * rng.nextDouble() - 1) * bound;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static Initializer zeros() {
        return new Elementwise("zeros", Elementwise.Kind.CONSTANT, 0);
    }

    public static Initializer constant(double c) {
        return new Elementwise("constant(" + c + ")", Elementwise.Kind.CONSTANT, c);
    }

    public static Initializer uniform(double a) {
        return new Elementwise("uniform(" + a + ")", Elementwise.Kind.UNIFORM, a);
    }

    public static Initializer normal(double sigma) {
        return new Elementwise("normal(" + sigma + ")", Elementwise.Kind.NORMAL, sigma);
    }

    public static Initializer xavierUniform() {
        return new Elementwise("xavier_uniform", Elementwise.Kind.XAVIER_UNIFORM, 0);
    }

    public static Initializer xavierNormal() {
        return new Elementwise("xavier_normal", Elementwise.Kind.XAVIER_NORMAL, 0);
    }

    public static Initializer lecunUniform() {
        return new Elementwise("lecun_uniform", Elementwise.Kind.LECUN_UNIFORM, 0);
    }

    public static Initializer lecunNormal() {
        return new Elementwise("lecun_normal", Elementwise.Kind.LECUN_NORMAL, 0);
    }

    public static Initializer heUniform() {
        return new Elementwise("he_uniform", Elementwise.Kind.HE_UNIFORM, 0);
    }

    public static Initializer heNormal() {
        return new Elementwise("he_normal", Elementwise.Kind.HE_NORMAL, 0);
    }

    public static Initializer orthogonal(double gain) {
        return new Orthogonal(gain);
    }

    public static Initializer sparse(int nonZeros) {
        return new Sparse(nonZeros);
    }

    private static final Map<String, DoubleFunction<Initializer>> NAMED = new LinkedHashMap<>();
    private static final Map<String, Double> DEFAULT_ARGUMENT = new LinkedHashMap<>();

    static {
        register("zeros", a -> zeros(), null);
        register("constant", Initializers::constant, 0.0);
        register("uniform", Initializers::uniform, 0.05);
        register("normal", Initializers::normal, 0.01);
        register("xavier_uniform", a -> xavierUniform(), null);
        register("xavier_normal", a -> xavierNormal(), null);
        register("lecun_uniform", a -> lecunUniform(), null);
        register("lecun_normal", a -> lecunNormal(), null);
        register("he_uniform", a -> heUniform(), null);
        register("he_normal", a -> heNormal(), null);
        register("orthogonal", Initializers::orthogonal, 1.0);
        register("sparse", a -> sparse((int) a), 15.0);
    }

    private static void register(String name, DoubleFunction<Initializer> make, Double defaultArgument) {
        NAMED.put(name, make);
        DEFAULT_ARGUMENT.put(name, defaultArgument);
    }

    public static List<String> names() {
        return List.copyOf(NAMED.keySet());
    }

    /**
     * Parses {@code name} or {@code name(argument)}: {@code zeros}, {@code constant(0.01)},
     * {@code uniform(0.05)}, {@code normal(0.01)}, {@code xavier_uniform}, {@code xavier_normal},
     * {@code lecun_uniform}, {@code lecun_normal}, {@code he_uniform}, {@code he_normal},
     * {@code orthogonal}, {@code orthogonal(1.41)}, {@code sparse}, {@code sparse(15)}.
     *
     * @throws IllegalArgumentException one line naming the nearest valid name, or the bad argument
     */
    public static Initializer byName(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String name = s;
        Double arg = null;
        int open = s.indexOf('(');
        if (open >= 0) {
            if (!s.endsWith(")")) {
                throw new IllegalArgumentException("initializer '" + spec + "': missing ')'");
            }
            name = s.substring(0, open).trim();
            String inner = s.substring(open + 1, s.length() - 1).trim();
            try {
                arg = Double.parseDouble(inner);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("initializer '" + spec + "': '" + inner + "' is not a number");
            }
        }
        DoubleFunction<Initializer> make = NAMED.get(name);
        if (make == null) {
            throw new IllegalArgumentException(Suggest.unknown("initializer", name, NAMED.keySet()));
        }
        Double def = DEFAULT_ARGUMENT.get(name);
        if (arg != null && def == null) {
            throw new IllegalArgumentException("initializer '" + name + "' takes no argument, got '" + spec + "'");
        }
        double a = arg != null ? arg : def == null ? 0 : def;
        if (name.equals("sparse") && (a < 1 || a != Math.floor(a))) {
            throw new IllegalArgumentException("initializer sparse(k) needs a whole k ≥ 1, got " + a);
        }
        if ((name.equals("uniform") || name.equals("normal") || name.equals("orthogonal")) && !(a > 0)) {
            throw new IllegalArgumentException("initializer " + name + " needs a positive argument, got " + a);
        }
        return make.apply(a);
    }
}
