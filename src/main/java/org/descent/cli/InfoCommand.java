package org.descent.cli;

import java.util.concurrent.Callable;
import org.descent.tensor.Blas;
import picocli.CommandLine.Command;

/** Prints the environment Descent runs in: Java, cores, and which BLAS implementation is active. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print Java, CPU and BLAS details.")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors());
        System.out.println("BLAS: " + Blas.get().description());
        return 0;
    }
}
