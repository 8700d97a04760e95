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
            for (Experiment.Variant v : e.variants()) {
                TrainConfig config = TrainConfig.load(e.base(), e.overridesOf(v));
                assertNotNull(new TrainingJob(config, null, dir, false).model(), file + " " + v.name());
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
