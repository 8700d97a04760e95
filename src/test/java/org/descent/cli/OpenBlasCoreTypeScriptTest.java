package org.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit/openblas-coretype}, which {@code submit/descent} runs to choose OpenBLAS's kernels by the CPU's instruction
 * sets: run as a process on {@code /proc/cpuinfo} excerpts (vendor and flags lines as the kernel prints them).
 */
class OpenBlasCoreTypeScriptTest {
    private static final String EMERALD_RAPIDS_FLAGS = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr sse sse2 ss ht syscall"
            + " nx pdpe1gb rdtscp lm pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c"
            + " rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed"
            + " adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx_vnni"
            + " avx512_bf16 wbnoinvd arat avx512vbmi umip pku ospke waitpkg avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni"
            + " avx512_bitalg avx512_vpopcntdq la57 rdpid cldemote movdiri movdir64b fsrm md_clear serialize tsxldtrk"
            + " amx_bf16 avx512_fp16 amx_tile amx_int8 arch_capabilities";

    @TempDir
    Path dir;

    @Test
    void intelWithAvx512TakesTheSkylakeXKernels() throws Exception {
        assertEquals("SkylakeX", coreType(cpuinfo("GenuineIntel", "207", EMERALD_RAPIDS_FLAGS)));
    }

    @Test
    void intelWithAvx2ButNoAvx512TakesTheHaswellKernels() throws Exception {
        String flags = EMERALD_RAPIDS_FLAGS.replaceAll(" avx512\\w*", "").replaceAll(" amx_\\w*", "");
        assertEquals("Haswell", coreType(cpuinfo("GenuineIntel", "151", flags)));
    }

    @Test
    void amdAndOlderIntelKeepOpenBlasOwnDetection() throws Exception {
        // AMD's Zen models are in OpenBLAS's table: its choice stands even with AVX-512 (Zen 4).
        assertEquals("", coreType(cpuinfo("AuthenticAMD", "17", EMERALD_RAPIDS_FLAGS)));
        // An Intel CPU without AVX2 and FMA gains nothing from forcing a family.
        String sse = EMERALD_RAPIDS_FLAGS.replaceAll(" avx\\w*", "").replace(" fma", "");
        assertEquals("", coreType(cpuinfo("GenuineIntel", "44", sse)));
        // AVX-512 F alone (no BW, DQ, VL: a Xeon Phi) does not run the SkylakeX kernels.
        assertEquals("Haswell", coreType(cpuinfo("GenuineIntel", "87", "fpu sse sse2 fma avx avx2 avx512f avx512cd")));
    }

    @Test
    void noCpuinfoMeansNoChoice() throws Exception {
        assertEquals("", coreType(dir.resolve("absent")));
    }

    /** Two processors, as /proc/cpuinfo lists every one; the script reads the first. */
    private Path cpuinfo(String vendor, String model, String flags) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int cpu = 0; cpu < 2; cpu++) {
            text.append("processor\t: ").append(cpu).append('\n')
                    .append("vendor_id\t: ").append(vendor).append('\n')
                    .append("cpu family\t: 6\n")
                    .append("model\t\t: ").append(model).append('\n')
                    .append("flags\t\t: ").append(flags).append("\n\n");
        }
        Path file = dir.resolve("cpuinfo-" + vendor + "-" + model);
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        return file;
    }

    private static String coreType(Path cpuinfo) throws Exception {
        Process process = new ProcessBuilder("submit/openblas-coretype", cpuinfo.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("submit/openblas-coretype did not finish");
        }
        assertEquals(0, process.exitValue(), "exit status; output: " + out);
        return out;
    }
}
