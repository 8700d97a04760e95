package org.descent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.descent.config.TrainConfig;
import org.descent.app.TrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {
    @TempDir
    Path dir;

    /** Every shipped experiment loads, and every variant is a valid configuration whose model builds. */
    @Test
    void everyShippedExperimentAndVariantIsValid() throws IOException {
        List<Path> files;
        try (var list = Files.list(Path.of("conf/experiments"))) {
            files = list.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 7, files.toString());
        for (Path file : files) {
            Experiment e = Experiment.load(file);
            assertFalse(e.variants().isEmpty(), file.toString());
            for (Experiment.Row row : e.rows()) {
                for (Experiment.Variant v : e.variants()) {
                    TrainConfig config = TrainConfig.load(e.base(), e.overridesOf(row, v));
                    assertNotNull(new TrainingJob(config, null, dir, false).model(), file + " " + row.name() + " " + v.name());
                }
            }
        }
    }

    @Test
    void variantsOverrideTheCommonSettingsAndSharedDefinitionsResolve() throws IOException {
        Path file = dir.resolve("e.conf");
        Files.writeString(file, String.join("\n",
                "title = t",
                "set { training.epochs = 3, optimizer.name = sgd }",
                "define.net = [flatten, \"dense(7)\", relu, \"dense(10)\"]",
                "variants = [ { name = a, set { model.layers = ${define.net} } }, { name = b, set { training.epochs = 1 } } ]", ""));
        Experiment e = Experiment.load(file);
        assertEquals(List.of("optimizer.name=\"sgd\"", "training.epochs=3"), e.common());
        TrainConfig a = TrainConfig.load(null, e.overridesOf(e.variants().get(0)));
        assertEquals(List.of("flatten", "dense(7)", "relu", "dense(10)"), a.layers());
        assertEquals(3, a.epochs());
        assertEquals(1, TrainConfig.load(null, e.overridesOf(e.variants().get(1))).epochs(), "a variant's own setting wins");
    }

    @Test
    void rowsCarryTheirOverridesAndThePapersFigures() throws IOException {
        Path file = dir.resolve("table.conf");
        Files.writeString(file, String.join("\n",
                "title = t",
                "set { data.format = synthetic, training.epochs = 2 }",
                "rows = [ { name = add, set { data.synthetic.kind = addition }, paper = [0.8, 0.1] }, { name = mem, set { data.synthetic.kind = memorization } } ]",
                "variants = [ { name = biases, baseline = constant }, { name = sgd, set { optimizer.name = sgd } } ]", ""));
        Experiment e = Experiment.load(file);
        assertTrue(e.tabular());
        assertEquals(List.of("add", "mem"), e.rows().stream().map(Experiment.Row::name).toList());
        assertEquals(List.of(0.8, 0.1), e.rows().get(0).paper());
        assertEquals(List.of(), e.rows().get(1).paper());
        assertTrue(e.variants().get(0).constantBaseline());
        assertEquals(List.of("data.format=\"synthetic\"", "training.epochs=2", "data.synthetic.kind=\"memorization\"", "optimizer.name=\"sgd\""),
                e.overridesOf(e.rows().get(1), e.variants().get(1)));
        Files.writeString(file, "title = t\nrows = [ { name = a, paper = [1] } ]\nvariants = [ { name = x }, { name = y } ]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(file)).getMessage()
                .contains("row 'a' gives 1 paper figures for 2 variants"));
        Files.writeString(file, "title = t\nvariants = [ { name = x, baseline = mean } ]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(file)).getMessage()
                .contains("baseline is 'mean'; the one baseline is constant"));
        Files.writeString(file, "title = t\nrows = [ { name = a }, { name = a } ]\nvariants = [ { name = x } ]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(file)).getMessage().contains("every row needs a name of its own"));
    }

    @Test
    void mistakesAreOneLine() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "title = t\nvariant = []\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiment.load(file));
        assertTrue(e.getMessage().contains("unknown experiment key 'variant'") && e.getMessage().contains("did you mean 'variants'"), e.getMessage());
        Files.writeString(file, "title = t\nvariants = [ { name = a }, { name = a } ]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(file)).getMessage().contains("variant 'a' appears twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(dir.resolve("none.conf"))).getMessage()
                .endsWith("none.conf: no such experiment file"));
        Files.writeString(file, "title = t\naxis = seconds\nvariants = [ { name = a } ]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Experiment.load(file)).getMessage()
                .contains("axis is 'seconds', not steps or epochs"));
        Files.writeString(file, "title = t\naxis = epochs\nmeasure = loss\nvariants = [ { name = a } ]\n");
        Experiment e2 = Experiment.load(file);
        assertEquals("epochs", e2.axis());
        assertEquals("loss", e2.measure());
    }
}
