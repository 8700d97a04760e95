package org.descent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
    @TempDir
    Path dir;

    @Test
    void quickstartResolvesOverTheDefaults() {
        TrainConfig c = TrainConfig.load(Path.of("conf/quickstart.conf"), List.of("optimizer.beta1=0.8"));
        assertEquals("adam", c.optimizer());
        assertEquals(0.8, c.optimizerSettings().get("beta1"));
        assertEquals(128, c.batchSize());
        assertEquals(8, c.layers().size());
        assertEquals(0.001, c.learningRateSchedule().at(1000), 1e-15);
    }

    /** Every shipped conf file loads, and its model builds over its data's input (Fashion-MNIST's [1, 28, 28], or a sequence). */
    @Test
    void everyShippedConfLoadsAndBuildsItsModel(@org.junit.jupiter.api.io.TempDir Path out) throws java.io.IOException {
        List<Path> confs;
        try (var files = Files.list(Path.of("conf"))) {
            confs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(confs.size() >= 2, confs.toString());
        for (Path conf : confs) {
            TrainConfig c = TrainConfig.load(conf, List.of());
            org.descent.nn.Sequential model = new org.descent.app.TrainingJob(c, null, out, false).model();
            assertEquals(c.data().format().equals("idx") ? 10 : 1, model.outputShape().size(), conf.toString());
        }
        TrainConfig cnn = TrainConfig.load(Path.of("conf/fashion-cnn.conf"), List.of());
        assertEquals(org.descent.engine.EngineOptions.Mode.BARRIER, cnn.engine().mode());
        assertEquals("sync", cnn.batchNormMode());
    }

    @Test
    void theSeedsRegimesAreFirstClass() {
        assertEquals(Integer.MAX_VALUE, TrainConfig.load(null, List.of("training.regime=batch")).batchSize());
        assertEquals(1, TrainConfig.load(null, List.of("training.regime=stochastic")).batchSize());
        assertEquals(64, TrainConfig.load(null, List.of("training.batchSize=64")).batchSize());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null, List.of("training.regime=online")))
                .getMessage().contains("training.regime = 'online' is not one of [minibatch, batch, stochastic]"));
    }

    @Test
    void exactReductionIsChosenByKeyAndRefusesDropout() {
        assertFalse(TrainConfig.load(null, List.of()).exactReduction());
        assertTrue(TrainConfig.load(null, List.of("engine.reduction=exact")).exactReduction());
        // auto: exact where synchronized batch norm promises equality with one process, unless dropout forbids it.
        List<String> sync = List.of("engine.mode=barrier", "batchNorm.mode=sync");
        assertTrue(TrainConfig.load(null, sync).exactReduction());
        assertEquals(org.descent.engine.EngineOptions.Reduction.EXACT, TrainConfig.load(null, sync).engine().reduction());
        List<String> syncDropout = new java.util.ArrayList<>(sync);
        syncDropout.add("model.layers=[flatten, \"dense(32)\", \"dropout(0.5)\", \"dense(10)\"]");
        assertFalse(TrainConfig.load(null, syncDropout).exactReduction());
        assertFalse(TrainConfig.load(null, List.of("engine.mode=barrier", "batchNorm.mode=sync", "engine.reduction=float")).exactReduction());
        String bad = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null, List.of("engine.reduction=double"))).getMessage();
        assertTrue(bad.contains("engine.reduction = 'double' is not one of [auto, float, exact]"), bad);
        assertEquals(bad.indexOf("--set engine.reduction=double"), bad.lastIndexOf("--set engine.reduction=double"), "where, once: " + bad);
        String message = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null,
                List.of("engine.reduction=exact", "model.layers=[flatten, \"dense(32)\", \"dropout(0.5)\", \"dense(10)\"]"))).getMessage();
        assertTrue(message.contains("engine.reduction = exact cannot train dropout(0.5)"), message);
    }

    @Test
    void transportIsAutoOrTcp() {
        assertEquals(org.descent.engine.EngineOptions.Transport.AUTO, TrainConfig.load(null, List.of()).engine().transport());
        assertEquals(org.descent.engine.EngineOptions.Transport.TCP, TrainConfig.load(null, List.of("engine.transport=tcp")).engine().transport());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null, List.of("engine.transport=udp")))
                .getMessage().contains("engine.transport = 'udp' is not one of [auto, tcp]"));
    }

    /** The engine's defaults are written once: what the shipped configuration gives is EngineOptions.defaults(). */
    @Test
    void theConfigurationsEngineDefaultsAreTheEngines() {
        assertEquals(org.descent.engine.EngineOptions.defaults(), TrainConfig.load(null, List.of()).engine());
    }

    /** A bad --set value names the override, without the parser's line number 1. */
    @Test
    void aBadOverrideIsNamedWithoutALineNumber() {
        String message = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null, List.of("training.epochs=many"))).getMessage();
        assertTrue(message.startsWith("--set training.epochs=many: "), message);
        assertTrue(!message.contains(": 1:"), message);
    }

    @Test
    void overlapIsAutoOrABoolean() {
        assertEquals(org.descent.engine.EngineOptions.Overlap.AUTO, TrainConfig.load(null, List.of()).engine().overlap());
        assertEquals(org.descent.engine.EngineOptions.Overlap.ON, TrainConfig.load(null, List.of("engine.overlap=true")).engine().overlap());
        assertEquals(org.descent.engine.EngineOptions.Overlap.OFF, TrainConfig.load(null, List.of("engine.overlap=off")).engine().overlap());
        String message = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(null, List.of("engine.overlap=sometimes"))).getMessage();
        assertTrue(message.contains("engine.overlap = 'sometimes'; accepted: auto, true, false"), message);
    }

    @Test
    void schedulesComeFromTheirBlocks() throws Exception {
        Path f = dir.resolve("s.conf");
        Files.writeString(f, "optimizer { name = momentum, learningRate = 0.1, momentum = 0.9 }\n"
                + "learningRateSchedule { type = step, gamma = 0.5, stepSize = 100, warmupSteps = 10 }\n"
                + "momentumSchedule { type = sutskever, max = 0.99 }\n");
        TrainConfig c = TrainConfig.load(f, List.of());
        assertEquals(0.05, c.learningRateSchedule().at(150), 1e-12);
        assertEquals(0.0, c.learningRateSchedule().at(0), 1e-12);
        assertEquals(0.75, c.momentumSchedule().at(300), 1e-12);
        assertEquals(0.9, TrainConfig.load(null, List.of("optimizer.name=momentum", "optimizer.momentum=0.9")).momentumSchedule().at(5000), 1e-12);
        // HOCON merges blocks: switching the type keeps the file's other keys, and a key the new type lacks is named.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(f, List.of("momentumSchedule.type=constant")))
                .getMessage().contains("'max'"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(f, List.of("learningRateSchedule.gama=0.1")));
        assertTrue(e.getMessage().contains("did you mean 'gamma'"), e.getMessage());
    }

    @Test
    void errorsNameFileLineAndKey() throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "training {\n  seed = 1\n  batchsize = 64\n}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(f, List.of()));
        assertTrue(e.getMessage().contains("bad.conf: 3") && e.getMessage().contains("did you mean 'training.batchSize'"), e.getMessage());
        Files.writeString(f, "optimizer.name = adamm\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(f, List.of()));
        assertTrue(e.getMessage().contains("bad.conf: 1") && e.getMessage().contains("did you mean 'adam'"), e.getMessage());
        Files.writeString(f, "model.layers = [flatten, \"dense(10\"]\n");
        assertEquals(List.of("flatten", "dense(10"), TrainConfig.load(f, List.of()).layers());
    }

    /** conf/reference.conf is the shipped defaults, byte for byte: the reference users read is the one the code loads. */
    @org.junit.jupiter.api.Test
    void theReferenceInConfIsTheDefaultsTheCodeLoads() throws java.io.IOException {
        String shipped;
        try (java.io.InputStream in = TrainConfig.class.getResourceAsStream("defaults.conf")) {
            shipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        org.junit.jupiter.api.Assertions.assertEquals(shipped, java.nio.file.Files.readString(java.nio.file.Path.of("conf/reference.conf")),
                "conf/reference.conf differs from src/main/resources/org/descent/config/defaults.conf: copy it over");
        // Every key has a comment: a line starting with '#' right above it, or above its enclosing block.
        java.util.List<String> lines = shipped.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.matches("[A-Za-z.]+ = .*") && !lines.get(i - 1).strip().startsWith("#") && !lines.get(i - 1).strip().endsWith("{")
                    && !lines.get(i - 1).strip().matches("[A-Za-z.]+ = .*")) {
                org.junit.jupiter.api.Assertions.fail("defaults.conf line " + (i + 1) + " has no comment: " + l);
            }
        }
    }

    /** rprop's variant is written by name in a configuration; another name is one line naming the key. */
    @Test
    void rpropsVariantIsANameInConfigurations() {
        assertEquals(1.0, TrainConfig.load(null, java.util.List.of("optimizer.name=rprop", "optimizer.variant=rprop_minus")).optimizerSettings().get("variant"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.load(null, java.util.List.of("optimizer.name=rprop", "optimizer.variant=plus")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("optimizer.variant: rprop variant 'plus' is not irprop_minus"), e.getMessage());
    }
}
