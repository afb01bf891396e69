package io.github.bootkernel.bench.io;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guest both monitors boot for the I/O sections: a cached kernel and a busybox initramfs whose
 * {@code /init} mounts {@code /dev}, runs the given commands (the section's static C programs from
 * {@code bench/src/main/c}, compiled here with {@code gcc -static -O2}), prints
 * {@value #FINISHED} and reboots.
 *
 * @param kernel the kernel image
 * @param initramfs the initramfs, in the run's scratch directory
 */
record BenchGuest(Path kernel, Path initramfs) {

    /** The line {@code /init} prints after the last command. */
    static final String FINISHED = "bench-io: finished";
    /** The system property naming the directory of the guest programs' C sources. */
    static final String SOURCES_PROPERTY = "bench.io.csources";
    /** The system property naming the kernel id in the cache's {@code latest/}, for every section. */
    static final String KERNEL_PROPERTY = "bench.io.kernel";
    private static final long GCC_SECONDS = 120;

    /**
     * The size of a section's work: the system property {@code property} if set, else
     * {@code onHardware} where the guests run on hardware KVM and {@code elsewhere} (nested or
     * emulated KVM, where an exit costs far more).
     *
     * @param unit what the size counts, for the message, e.g. {@code "bytes"}
     * @throws IllegalArgumentException if the size is below {@code minimum}, naming the property
     */
    static long workload(BenchContext context, String property, long onHardware, long elsewhere, long minimum,
                         String unit) {
        long size = Long.getLong(property, context.where().startsWith("hardware") ? onHardware : elsewhere);
        if (size < minimum) {
            throw new IllegalArgumentException(property + " = " + size + ": at least " + minimum + unit);
        }
        return size;
    }

    /**
     * Compiles {@code program} ({@code <program>.c}) and builds the initramfs.
     *
     * @param context the run's cache and scratch directory
     * @param defaultKernel the kernel id in the cache's {@code latest/} unless {@value #KERNEL_PROPERTY} names one
     * @param program the C program's name, e.g. {@code console_bench}
     * @param commands the shell lines {@code /init} runs, in order, e.g. {@code /bin/console_bench tty 4096}
     * @throws IOException if a file is missing or gcc fails; the message names which and why
     */
    static BenchGuest build(BenchContext context, String defaultKernel, String program, List<String> commands)
            throws IOException, InterruptedException {
        String id = System.getProperty(KERNEL_PROPERTY, defaultKernel);
        Path kernel = context.cache().resolve("latest").resolve(id);
        Path busybox = context.cache().resolve("latest").resolve("busybox-static");
        for (Path p : List.of(kernel, busybox)) {
            if (!Files.isReadable(p)) {
                throw new IOException("missing " + p + ": fill the kernel cache first (mvn install, or the CLI's prepare)");
            }
        }
        Path binary = compile(context.work(), program);
        StringBuilder init = new StringBuilder("#!/bin/busybox sh\n")
                .append("/bin/busybox mount -t devtmpfs dev /dev\n")
                .append("/bin/busybox mount -t proc proc /proc\n");
        for (String c : commands) {
            init.append(c).append(" || /bin/busybox echo \"bench-io: failed: ").append(c).append("\"\n");
        }
        init.append("/bin/busybox echo \"").append(FINISHED).append("\"\n/bin/busybox reboot -f\n");
        Path initramfs = context.work().resolve(program + ".cpio");
        Initramfs.create()
                .directory("/dev").directory("/proc")
                .file("/bin/busybox", busybox, 0755)
                .file("/bin/" + program, binary, 0755)
                .script("/init", init.toString())
                .writeTo(initramfs);
        return new BenchGuest(kernel, initramfs);
    }

    /** {@code gcc -static -O2 -o <work>/<program> <sources>/<program>.c}. */
    private static Path compile(Path work, String program) throws IOException, InterruptedException {
        Path source = sources().resolve(program + ".c");
        if (!Files.isReadable(source)) {
            throw new IOException("missing the guest program's source " + source + " (set -D" + SOURCES_PROPERTY
                    + " to bench/src/main/c)");
        }
        Path binary = work.resolve(program);
        Path log = work.resolve(program + ".gcc.log");
        Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-Wall", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!gcc.waitFor(GCC_SECONDS, TimeUnit.SECONDS)) {
            gcc.destroyForcibly();
            throw new IOException("gcc did not compile " + source + " within " + GCC_SECONDS + " s");
        }
        if (gcc.exitValue() != 0) {
            throw new IOException("gcc -static failed on " + source + " (status " + gcc.exitValue() + "): "
                    + Files.readString(log).strip());
        }
        return binary;
    }

    /** The C sources: the property, else {@code bench/src/main/c} or {@code src/main/c} below the working directory. */
    private static Path sources() {
        String set = System.getProperty(SOURCES_PROPERTY);
        if (set != null) {
            return Path.of(set);
        }
        Path fromRoot = Path.of("bench", "src", "main", "c");
        return Files.isDirectory(fromRoot) ? fromRoot : Path.of("src", "main", "c");
    }
}
