package io.github.bootkernel.bench.sections;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Samples;
import io.github.bootkernel.bench.Section;
import io.github.bootkernel.bench.boot.BenchImage;
import io.github.bootkernel.bench.boot.Boots;
import io.github.bootkernel.bench.boot.ProcessBoot;
import io.github.bootkernel.bench.boot.QemuCommand;
import io.github.bootkernel.bench.suite.SuiteMain;
import io.github.bootkernel.bench.suite.TwentyGuests;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Suite cost: {@value TwentyGuests#TESTS} tests that each boot a fresh guest of the first kernel
 * with the benchmark's image ({@link BenchImage}) to its init line, run as a JUnit class in one
 * fresh JVM ({@link SuiteMain}, timed from its launch to its exit), against as many QEMU
 * {@code -M pc} processes in sequence, each killed at the same line. The two alternate within each
 * repetition. As each repetition is already {@value TwentyGuests#TESTS} boots of each, the section
 * repeats {@link #runs} times, at most the run's repetitions.
 */
public final class SuiteCost implements Section {

    /** The section's name. */
    public static final String NAME = "suite cost";
    /** Metric: the whole suite's wall time. */
    public static final String WALL = TwentyGuests.TESTS + " tests, wall time";

    /** The system property that sets the section's repetitions, 1 by default. */
    public static final String RUNS_PROPERTY = "bench.suiteRuns";

    /**
     * @param context the run
     * @return the repetitions: {@value #RUNS_PROPERTY} (1 by default), at most {@code context.runs()}
     */
    public static int runs(BenchContext context) {
        return Math.max(1, Math.min(context.runs(), Integer.getInteger(RUNS_PROPERTY, 1)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        String kernel = context.mainKernel();
        Path image = BenchImage.write(context.kernel("busybox-static"), context.work().resolve("suite-initramfs.cpio"));
        String junit = "bootkernel JUnit suite (one JVM), " + kernel + ", 1 vCPU";
        String qemu = "QEMU -M pc (a process per test), " + kernel + ", 1 vCPU";
        Samples samples = new Samples(NAME, context.where());
        for (int run = 0; run < runs(context); run++) {
            for (int i = 0; i < 2; i++) {
                boolean junitFirst = run % 2 == 0;
                if ((i == 0) == junitFirst) {
                    double s = junit(context, kernel, image);
                    samples.add(junit, WALL, "s", "", s);
                    Progress.value(junit, run, "wall", s, "s");
                } else {
                    double s = qemu(context, kernel, image);
                    samples.add(qemu, WALL, "s", "", s);
                    Progress.value(qemu, run, "wall", s, "s");
                }
            }
        }
        return samples.rows();
    }

    private static double junit(BenchContext context, String kernel, Path image) throws IOException, InterruptedException {
        Path log = context.work().resolve("suite.log");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SuiteMain.class.getName(), kernel,
                image.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(Boots.TIMEOUT.toSeconds() * TwentyGuests.TESTS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the JUnit suite did not end in time; its output is in " + log);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException("the JUnit suite failed (status " + p.exitValue() + "):\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return s;
    }

    private static double qemu(BenchContext context, String kernel, Path image) throws IOException, InterruptedException {
        List<String> argv = QemuCommand.argv(QemuCommand.Type.PC, context.kernel(kernel), image,
                Boots.baseCmdline(), 1, Boots.MEMORY_MIB);
        long t0 = System.nanoTime();
        for (int i = 0; i < TwentyGuests.TESTS; i++) {
            ProcessBoot.run("QEMU -M pc, suite test " + (i + 1), argv, context.work().resolve("stderr.txt"),
                    Boots.TIMEOUT, BenchImage::isInitLine);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
