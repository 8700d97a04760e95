package org.descent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import onnx.Onnx.ModelProto;
import org.descent.engine.SavedModel;
import org.descent.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code descent export RUN_DIR --format onnx [--out FILE]}: a trained model as an ONNX file that takes raw
 * feature rows (the run's input normalization is inside the graph). The file is written under a temporary name
 * and renamed; a layer ONNX export does not support is one line naming it, and nothing is written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a trained model as an ONNX file (opset " + OnnxExporter.OPSET + "): input 'input' = raw feature rows [N, D] as train "
                + "reads them (the saved input normalization is in the graph); outputs 'output', and for classifiers 'probabilities' and 'label'."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A run directory of 'train' or its model.bin.")
    Path model;
    @Option(names = "--format", defaultValue = "onnx", description = "onnx (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--out", description = "The file to write (default: model.onnx beside model.bin); replaced if it exists.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("onnx")) {
            throw new UsageException("--format must be onnx, got '" + format + "'");
        }
        SavedModel saved = SavedModel.load(model);
        Path target = out != null ? out : (Files.isDirectory(model) ? model : model.toAbsolutePath().getParent()).resolve("model.onnx");
        ModelProto onnx = OnnxExporter.export(saved);
        OnnxExporter.save(onnx, target);
        System.out.printf(Locale.ROOT, "%s: ONNX opset %d, %d nodes, %d parameters, input [N, %d], outputs %s%n", target.toAbsolutePath().normalize(),
                OnnxExporter.OPSET, onnx.getGraph().getNodeCount(), saved.params().length, saved.model().inputShape().size(),
                onnx.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
        return 0;
    }
}
