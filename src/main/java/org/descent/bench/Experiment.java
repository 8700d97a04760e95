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
 * A table of several tasks (the decks' RNN table) lists them as rows, each with its own overrides and, optionally, the
 * paper's figure for each variant in order (printed, beside Descent's final test losses, with {@code measure = loss}); a variant may be the best input-independent predictor of the row's data
 * instead of a training run ({@code baseline = constant}, the "biases" column, for the long-range problems):
 * <pre>
 * rows = [ { name = "add T=80", set { data.synthetic.kind = addition }, paper = [0.82, 0.39] } ]
 * variants = [ { name = biases, baseline = constant }, { name = "0.9N", set { optimizer.name = nesterov } } ]
 * </pre>
 *
 * @param base the training configuration file the variants override (null: the defaults)
 * @param common overrides for every variant, as {@code key=value}
 * @param rows the tasks: one unnamed row without overrides unless {@code rows} is given ({@code row} names it)
 */
public record Experiment(String title, String about, Path base, List<String> common, List<Variant> variants, String axis, String measure, List<Row> rows) {
    /** One column of the comparison: a name and its {@code key=value} overrides, or the constant-predictor baseline. */
    public record Variant(String name, List<String> overrides, boolean constantBaseline) {
        public Variant(String name, List<String> overrides) {
            this(name, overrides, false);
        }
    }

    /** One task of the comparison: a name, its overrides, and the paper's figure per variant (empty: none). */
    public record Row(String name, List<String> overrides, List<Double> paper) {
    }

    /** Whether the experiment is a table of several named tasks (run directories per row). */
    public boolean tabular() {
        return rows.size() > 1 || !rows.get(0).overrides().isEmpty();
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
        Set<String> known = Set.of("title", "about", "base", "set", "variants", "define", "axis", "measure", "row", "rows");
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
            boolean baseline = false;
            if (v.hasPath("baseline")) {
                if (!v.getString("baseline").equals("constant")) {
                    throw new IllegalArgumentException(v.getValue("baseline").origin().description() + ": baseline is '" + v.getString("baseline")
                            + "'; the one baseline is constant (the best predictor that ignores the inputs)");
                }
                baseline = true;
            }
            variants.add(new Variant(name, v.hasPath("set") ? overrides(v.getConfig("set")) : List.of(), baseline));
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException(file + ": no variants");
        }
        return new Experiment(c.getString("title"), c.hasPath("about") ? c.getString("about") : "", base,
                c.hasPath("set") ? overrides(c.getConfig("set")) : List.of(), List.copyOf(variants),
                choice(c, "axis", "steps", "epochs"), choice(c, "measure", "accuracy", "loss"), rows(c, variants.size()));
    }

    private static List<Row> rows(Config c, int variants) {
        if (!c.hasPath("rows")) {
            return List.of(new Row(c.hasPath("row") ? c.getString("row") : "", List.of(), List.of()));
        }
        List<Row> rows = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<? extends Config> list;
        try {
            list = c.getConfigList("rows");
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (Config r : list) {
            if (!r.hasPath("name") || !names.add(r.getString("name"))) {
                throw new IllegalArgumentException(r.origin().description() + ": every row needs a name of its own");
            }
            List<Double> paper = r.hasPath("paper") ? r.getDoubleList("paper") : List.of();
            if (!paper.isEmpty() && paper.size() != variants) {
                throw new IllegalArgumentException(r.getValue("paper").origin().description() + ": row '" + r.getString("name") + "' gives "
                        + paper.size() + " paper figures for " + variants + " variants");
            }
            rows.add(new Row(r.getString("name"), r.hasPath("set") ? overrides(r.getConfig("set")) : List.of(), List.copyOf(paper)));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(c.getValue("rows").origin().description() + ": rows is empty");
        }
        return List.copyOf(rows);
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
        return overridesOf(rows.get(0), v);
    }

    /** Everything a variant sets in a row: the common overrides, the row's, then the variant's. */
    public List<String> overridesOf(Row row, Variant v) {
        List<String> all = new ArrayList<>(common);
        all.addAll(row.overrides());
        all.addAll(v.overrides());
        return all;
    }
}
