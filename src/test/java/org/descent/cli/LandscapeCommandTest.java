package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.descent.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandscapeCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesOneRowPerUpdateAfterTheStartPoint() throws IOException {
        Path csv = dir.resolve("adam.csv");
        CliTestSupport.Run r = CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "adam", "--lr", "0.01",
                "--steps", "300", "--start", "1,1.5", "--set", "beta1=0.8", "--set", "eps=1e-6", "--out", csv.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("step,x,y,f", lines.get(0));
        assertEquals(302, lines.size());
        assertTrue(lines.get(1).startsWith("0,1.0,1.5,"), lines.get(1));
        double f0 = Double.parseDouble(lines.get(1).split(",")[3]);
        double fEnd = Double.parseDouble(lines.get(301).split(",")[3]);
        assertTrue(fEnd < f0, "Adam should descend on Beale: " + f0 + " → " + fEnd);
        assertTrue(lines.get(301).startsWith("300,"));
    }

    @Test
    void everyOptimizerIsReachableAndSeveralArePlottedTogether() throws IOException {
        Path csv = dir.resolve("all.csv");
        Path png = dir.resolve("plots/saddle.png");
        String all = String.join(",", Optimizers.names());
        CliTestSupport.Run r = CliTestSupport.run("landscape", "--function", "saddle", "--optimizer", all, "--steps", "50",
                "--out", csv.toString(), "--plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("optimizer,step,x,y,f", lines.get(0));
        assertEquals(1 + Optimizers.names().size() * 51, lines.size());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        try (var files = Files.list(png.getParent())) {
            assertEquals(1, files.count(), "no temporary file may be left beside the plot");
        }
    }

    /** --lr 0.01,momentum=0.001: the common rate for the others, momentum's own for momentum, named in the rows. */
    @Test
    void learningRatesCanBeGivenPerOptimizer() throws IOException {
        Path csv = dir.resolve("per.csv");
        CliTestSupport.Run r = CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "sgd,momentum", "--lr", "0.01,momentum=0.001",
                "--steps", "20", "--start", "1,1.5", "--out", csv.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(1).startsWith("sgd (lr 0.01),0,"), lines.get(1));
        assertTrue(lines.get(22).startsWith("momentum (lr 0.001),0,"), lines.get(22));
        Path same = dir.resolve("same.csv");
        assertEquals(0, CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "momentum", "--lr", "0.001",
                "--steps", "20", "--start", "1,1.5", "--out", same.toString()).exitCode());
        assertEquals(Files.readAllLines(same).get(21).substring(0), lines.get(42).substring("momentum (lr 0.001),".length()),
                "momentum=0.001 is momentum at learning rate 0.001");
    }

    /**
     * Sutskever's momentum schedule on NAG: μ = 0.5 for the first 250 steps, then 0.75, so the path equals NAG with a
     * constant 0.5 up to point 249 and leaves it at point 250 (the look-ahead of step 249 takes the next μ).
     */
    @Test
    void momentumSchedulesDrawNesterovWithTheDecksSchedule() throws IOException {
        Path scheduled = dir.resolve("scheduled.csv");
        CliTestSupport.Run r = CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "nesterov", "--lr", "0.001", "--steps", "300",
                "--start", "1,1.5", "--set", "momentumSchedule.type=sutskever", "--set", "momentumSchedule.max=0.99", "--out", scheduled.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path constant = dir.resolve("constant.csv");
        assertEquals(0, CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "nesterov", "--lr", "0.001", "--steps", "300",
                "--start", "1,1.5", "--set", "momentum=0.5", "--out", constant.toString()).exitCode());
        List<String> a = Files.readAllLines(scheduled);
        List<String> b = Files.readAllLines(constant);
        assertEquals(a.subList(0, 251), b.subList(0, 251), "points 0–249 (rows 1–250) with μ = 0.5");
        assertFalse(a.get(251).equals(b.get(251)), "point 250 takes μ = 0.75");
        CliTestSupport.Run missing = CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "nesterov", "--set", "momentumSchedule.max=0.99");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--set momentumSchedule.type=… is missing"), missing.err());
    }

    @Test
    void aPlateauScheduleHasNoLossToFollowInLandscape() {
        CliTestSupport.Run r = CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "sgd", "--set", "learningRateSchedule.type=plateau");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("learningRateSchedule.type = plateau follows a loss evaluated after every epoch; landscape has none"), r.err());
    }

    @Test
    void badNamesGiveOneLineAndExitCodeTwo() {
        for (String[] args : new String[][] {
            {"landscape", "--function", "beal", "--optimizer", "adam"},
            {"landscape", "--function", "beale", "--optimizer", "adamm"},
            {"landscape", "--function", "beale", "--optimizer", "adam", "--set", "betaOne=0.8"},
            {"landscape", "--function", "beale", "--optimizer", "adam", "--set", "beta1=high"},
            {"landscape", "--function", "beale", "--optimizer", "adam", "--start", "1"},
            {"landscape", "--function", "beale", "--optimizer", "adam", "--lr", "sgd=0.1"},
            {"landscape", "--function", "beale", "--optimizer", "adam", "--lr", "adam=fast"},
        }) {
            CliTestSupport.Run r = CliTestSupport.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertTrue(CliTestSupport.run("landscape", "--function", "beal", "--optimizer", "adam").err().contains("beale"));
        assertTrue(CliTestSupport.run("landscape", "--function", "beale", "--optimizer", "adam", "--set", "betaOne=0.8").err().contains("beta1"));
    }
}
