package org.descent.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment file ({@code conf/experiments/*.conf}): one training configuration and the
 * variants to compare on it, each a set of overrides, as in the seeds' comparisons (optimizers,
 * batch regimes, schedules, initializations, normalizations).
 *
 * <pre>
 * title = "Optimizers on Fashion-MNIST"
 * about = "What the comparison shows (printed with the results)."
 * base = ../quickstart.conf              # relative to this file
 * set { training.epochs = 3 }            # every variant
 * define.wide = [flatten, "dense(512)", relu, "dense(10)"]   # shared values, for ${define.wide}
 * variants = [
 *   { name = sgd, set { optimizer { name = sgd, learningRate = 0.1 } } }
 *   { name = adam, set { optimizer { name = adam, learningRate = 0.001 } } }
 * ]
 * axis = steps                           # or epochs: curves against passes over the data (variants with different batches)
 * measure = accuracy                     # or loss: plot the evaluated loss (an autoencoder's reconstruction error)
 * row = "Fashion-MNIST"                  # with measure = loss: also a one-row table, variants as columns (the seeds' format)
 * </pre>
 *
 * @param base the training configuration file the variants override (null: the defaults)
 * @param common overrides for every variant, as {@code key=value}
 */
public record Experiment(String title, String about, Path base, List<String> common, List<Variant> variants, String axis, String measure, String row) {
    /** One line of the comparison: a name and its {@code key=value} overrides. */
    public record Variant(String name, List<String> overrides) {
    }

    /** Reads an experiment file; errors name the file, line and key. */
    public static Experiment load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such experiment file");
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Set<String> known = Set.of("title", "about", "base", "set", "variants", "define", "axis", "measure", "row");
        for (String key : c.root().keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(c.root().get(key).origin().description() + ": "
                        + org.descent.util.Suggest.unknown("experiment key", key, new ArrayList<>(known)));
            }
        }
        if (!c.hasPath("title") || !c.hasPath("variants")) {
            throw new IllegalArgumentException(file + ": an experiment needs a title and a list of variants");
        }
        Path base = c.hasPath("base") ? file.toAbsolutePath().getParent().resolve(c.getString("base")).normalize() : null;
        List<Variant> variants = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<? extends Config> list;
        try {
            list = c.getConfigList("variants");
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (Config v : list) {
            if (!v.hasPath("name")) {
                throw new IllegalArgumentException(v.origin().description() + ": a variant needs a name");
            }
            String name = v.getString("name");
            if (!names.add(name)) {
                throw new IllegalArgumentException(v.origin().description() + ": variant '" + name + "' appears twice");
            }
            variants.add(new Variant(name, v.hasPath("set") ? overrides(v.getConfig("set")) : List.of()));
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException(file + ": no variants");
        }
        return new Experiment(c.getString("title"), c.hasPath("about") ? c.getString("about") : "", base,
                c.hasPath("set") ? overrides(c.getConfig("set")) : List.of(), List.copyOf(variants),
                choice(c, "axis", "steps", "epochs"), choice(c, "measure", "accuracy", "loss"), c.hasPath("row") ? c.getString("row") : "");
    }

    private static String choice(Config c, String key, String fallback, String other) {
        if (!c.hasPath(key)) {
            return fallback;
        }
        String v = c.getString(key);
        if (!v.equals(fallback) && !v.equals(other)) {
            throw new IllegalArgumentException(c.getValue(key).origin().description() + ": " + key + " is '" + v + "', not " + fallback + " or " + other);
        }
        return v;
    }

    /** A block of settings as {@code key=value} lines (values rendered as HOCON), for {@code --set}. */
    static List<String> overrides(Config block) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : block.entrySet()) {
            out.add(e.getKey() + "=" + e.getValue().render(ConfigRenderOptions.concise()));
        }
        out.sort(String::compareTo);
        return out;
    }

    /** Everything a variant sets: the common overrides, then its own. */
    public List<String> overridesOf(Variant v) {
        List<String> all = new ArrayList<>(common);
        all.addAll(v.overrides());
        return all;
    }
}
