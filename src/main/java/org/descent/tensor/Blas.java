package org.descent.tensor;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Row-major single-precision matrix products on {@code float[]} through dev.ludovic.netlib.
 *
 * <p>Choice of implementation (property {@code descent.blas} or environment {@code DESCENT_BLAS}:
 * {@code auto} (default), {@code native}, {@code java}):
 * <ul>
 *   <li>{@code auto}: the native library behind {@code libblas.so.3} when it is an optimized one
 *       (OpenBLAS, BLIS, MKL, ATLAS); when it is the netlib reference BLAS (Debian's
 *       {@code libblas3}, pulled in by python3-torch) or unknown, both are timed on a 192×192 sgemm
 *       and the faster is kept; otherwise the pure-Java one (VectorBLAS with
 *       {@code --add-modules jdk.incubator.vector}, Java11BLAS without).</li>
 * </ul>
 * {@link #description()} is the one-line report of what runs.
 */
public final class Blas {
    private static volatile Blas instance = select(defaultPreference());

    private final BLAS blas;
    private final String description;

    private Blas(BLAS blas, String description) {
        this.blas = blas;
        this.description = description;
    }

    /** The process-wide choice. */
    public static Blas get() {
        return instance;
    }

    public static BLAS raw() {
        return instance.blas;
    }

    /**
     * Switches the process-wide implementation ({@code auto}, {@code native} or {@code java}); for
     * benchmarks that compare implementations in one run. Returns the new choice.
     */
    public static synchronized Blas use(String preference) {
        instance = select(preference.toLowerCase(Locale.ROOT));
        return instance;
    }

    /** One line: implementation class and, for a native one, the library file that was loaded. */
    public String description() {
        return description;
    }

    /** True when the products run in a native library. */
    public boolean isNative() {
        return blas instanceof NativeBLAS;
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C}, all row-major: op(A) is m×k, op(B) is k×n, C is
     * m×n. A is stored m×k (k×m when {@code transA}), B is stored k×n (n×k when {@code transB}).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
        instance.blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, Math.max(1, ldb), a, aOff, Math.max(1, lda), beta, c, cOff, Math.max(1, n));
    }

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, float, float[], int, float[], int, float, float[], int)} with
     * explicit row strides: row i of the stored A starts at {@code aOff + i·lda}, of B at {@code bOff + i·ldb}, of C at
     * {@code cOff + i·ldc} (e.g. one step's rows of a batch of sequences).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        instance.blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    /**
     * {@code C = A · Bᵀ} in double precision, row-major (A m×k, B n×k, C m×n): only to measure the machine's
     * double-precision product rate, the limit of {@code engine.reduction = exact}'s weight gradients, whose every term is
     * one double multiply-add ({@code org.descent.bench.SgemmRate#dgemmGigaflops}).
     */
    public static void dgemmTransB(int m, int n, int k, double[] a, double[] b, double[] c) {
        instance.blas.dgemm("T", "N", n, m, k, 1.0, b, 0, Math.max(1, k), a, 0, Math.max(1, k), 0.0, c, 0, Math.max(1, n));
    }

    private static String defaultPreference() {
        return Optional.ofNullable(System.getProperty("descent.blas"))
                .orElse(Optional.ofNullable(System.getenv("DESCENT_BLAS")).orElse("auto"))
                .toLowerCase(Locale.ROOT);
    }

    private static Blas select(String pref) {
        if (!pref.equals("auto") && !pref.equals("native") && !pref.equals("java")) {
            throw new IllegalArgumentException("descent.blas must be auto, native or java, got '" + pref + "'");
        }
        JavaBLAS java = JavaBLAS.getInstance();
        String javaDesc = java.getClass().getSimpleName() + " (pure Java"
                + (java.getClass().getSimpleName().equals("VectorBLAS") ? ", Vector API)" : "; add --add-modules jdk.incubator.vector for VectorBLAS)");
        if (pref.equals("java")) {
            return new Blas(java, javaDesc + ", chosen by descent.blas=java");
        }
        NativeBLAS nat;
        try {
            nat = NativeBLAS.getInstance();
        } catch (Throwable t) {
            if (pref.equals("native")) {
                throw new IllegalStateException("descent.blas=native but no native BLAS could be loaded: " + t.getMessage(), t);
            }
            return new Blas(java, javaDesc + ", no native BLAS found");
        }
        String lib = loadedBlasLibrary().orElse("unknown library");
        String natDesc = nat.getClass().getSimpleName() + " (native " + lib + coreType(lib) + ")";
        if (pref.equals("native")) {
            return new Blas(nat, natDesc + ", chosen by descent.blas=native");
        }
        switch (decide(lib, () -> timeSgemm(nat), () -> timeSgemm(java))) {
            case NATIVE_OPTIMIZED:
                return new Blas(nat, natDesc);
            case NATIVE_FASTER:
                return new Blas(nat, natDesc + ", faster than " + java.getClass().getSimpleName() + " in a start-up check");
            default:
                return new Blas(java, javaDesc + ", chosen over the slower native " + lib + " (reference BLAS?) in a start-up check");
        }
    }

    /** What {@code auto} chooses. */
    enum Choice {
        NATIVE_OPTIMIZED,
        NATIVE_FASTER,
        JAVA_FASTER
    }

    /**
     * The {@code auto} rule: a known optimized native library is used without timing; any other
     * (the netlib reference implementation, or an unknown one) only when it beats the pure-Java
     * implementation on the same sgemm.
     */
    static Choice decide(String nativeLibrary, java.util.function.DoubleSupplier nativeSeconds, java.util.function.DoubleSupplier javaSeconds) {
        String lower = nativeLibrary.toLowerCase(Locale.ROOT);
        if (lower.contains("openblas") || lower.contains("blis") || lower.contains("mkl") || lower.contains("atlas")) {
            return Choice.NATIVE_OPTIMIZED;
        }
        return nativeSeconds.getAsDouble() <= javaSeconds.getAsDouble() ? Choice.NATIVE_FASTER : Choice.JAVA_FASTER;
    }

    private static final int PROBE = 192;

    /** Best of several runs of a PROBE³ sgemm, in seconds. */
    private static double timeSgemm(BLAS b) {
        float[] x = new float[PROBE * PROBE];
        float[] y = new float[PROBE * PROBE];
        float[] z = new float[PROBE * PROBE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.1f;
            y[i] = (i % 5) * 0.1f;
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 8; r++) {
            long t0 = System.nanoTime();
            b.sgemm("N", "N", PROBE, PROBE, PROBE, 1f, x, 0, PROBE, y, 0, PROBE, 0f, z, 0, PROBE);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /**
     * ", kernels OPENBLAS_CORETYPE=X" when the loaded library is OpenBLAS and its kernel family was chosen by that
     * environment variable (set by {@code submit/descent} from the CPU's instruction sets, {@code submit/openblas-coretype},
     * or by the user) rather than by OpenBLAS's own table of CPU models; empty otherwise.
     */
    static String coreType(String library) {
        String core = System.getenv("OPENBLAS_CORETYPE");
        return library.toLowerCase(Locale.ROOT).contains("openblas") && core != null && !core.isEmpty()
                ? ", kernels OPENBLAS_CORETYPE=" + core : "";
    }

    /** The BLAS shared object mapped into this process, resolved through its symlinks. */
    private static Optional<String> loadedBlasLibrary() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash).trim();
                String name = Path.of(path).getFileName().toString();
                if (name.startsWith("libblas") || name.startsWith("libopenblas") || name.startsWith("libblis")
                        || name.startsWith("libmkl")) {
                    return Optional.of(Path.of(path).toRealPath().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
