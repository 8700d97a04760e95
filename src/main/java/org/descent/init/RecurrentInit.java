package org.descent.init;

import java.util.Locale;

/**
 * How a recurrent layer's weights start ({@code model.recurrentInit}):
 * <ul>
 *   <li>{@code ""} (default): PyTorch's U(±1/√H) for every recurrent parameter;</li>
 *   <li>{@code echo_state(ρ, k, σ)} (defaults 1.1, 15, 0.001, as Sutskever et al. 2013 and the deck): hidden-to-hidden
 *       weights {@link EchoState} with spectral radius ρ and k non-zeros per unit (0: dense), input-to-hidden weights
 *       N(0, σ²), biases 0 (an echo-state network's units have no bias: with biases the autonomous dynamics of a radius
 *       above 1 settle on their own attractor instead of echoing the input);</li>
 *   <li>{@code orthogonal}: hidden-to-hidden weights orthogonal (Saxe et al. 2014), inputs PyTorch's;</li>
 *   <li>{@code identity}: hidden-to-hidden weights the identity (Le et al. 2015), inputs PyTorch's.</li>
 * </ul>
 * Biases keep PyTorch's initialization except with echo_state.
 *
 * @param input the input-to-hidden initializer, or null for the layer's default
 * @param recurrent the hidden-to-hidden initializer, or null for the layer's default
 * @param bias the biases' initializer, or null for the layer's default
 */
public record RecurrentInit(Initializer input, Initializer recurrent, Initializer bias) implements java.io.Serializable {
    /** The layers' own initialization. */
    public static final RecurrentInit DEFAULT = new RecurrentInit(null, null, null);

    public RecurrentInit(Initializer input, Initializer recurrent) {
        this(input, recurrent, null);
    }

    /** @throws IllegalArgumentException one line naming what is wrong (unknown name, bad argument, radius ≤ 0) */
    public static RecurrentInit parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("default")) {
            return DEFAULT;
        }
        String name = s;
        double[] args = new double[0];
        int open = s.indexOf('(');
        if (open >= 0) {
            if (!s.endsWith(")")) {
                throw new IllegalArgumentException("recurrent initializer '" + spec + "': missing ')'");
            }
            name = s.substring(0, open).trim();
            String[] parts = s.substring(open + 1, s.length() - 1).split(",");
            args = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    args[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("recurrent initializer '" + spec + "': '" + parts[i].trim() + "' is not a number");
                }
            }
        }
        return switch (name) {
            case "echo_state" -> {
                double radius = args.length > 0 ? args[0] : 1.1;
                double k = args.length > 1 ? args[1] : 15;
                double sigma = args.length > 2 ? args[2] : 0.001;
                if (!(radius > 0)) {
                    throw new IllegalArgumentException("recurrent initializer '" + spec + "': the spectral radius must be positive, got " + radius);
                }
                if (k < 0 || k != Math.floor(k) || !(sigma > 0)) {
                    throw new IllegalArgumentException("recurrent initializer '" + spec + "': echo_state(radius, nonZeros ≥ 0 whole, inputStd > 0)");
                }
                yield new RecurrentInit(Initializers.normal(sigma), new EchoState(radius, (int) k), Initializers.zeros());
            }
            case "orthogonal" -> new RecurrentInit(null, Initializers.byName("orthogonal"));
            case "identity" -> new RecurrentInit(null, new Identity(args.length > 0 ? args[0] : 1.0));
            default -> throw new IllegalArgumentException(org.descent.util.Suggest.unknown("recurrent initializer", name,
                    java.util.List.of("echo_state", "orthogonal", "identity")));
        };
    }
}
