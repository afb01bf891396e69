package io.github.bootkernel.kernels.probe;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns probe.S and probe.ld into probe.bzImage with binutils, in a given directory:
 * {@code as --32}, {@code ld -m elf_i386 -T probe.ld}, {@code objcopy -O binary}.
 *
 * <p>Each tool runs with a timeout, its output captured in a file (never a pipe, so it cannot
 * block), and its exit status checked. Caching is not this class's job: see {@link ProbeKernel}.
 */
final class ProbeBuild {

    /** The binutils commands used; tests replace one to simulate a missing tool. */
    record Toolchain(String as, String ld, String objcopy) {

        /** The tools found on the {@code PATH}. */
        static final Toolchain DEFAULT = new Toolchain("as", "ld", "objcopy");
    }

    /** A generous bound: each step takes milliseconds on a 6 KB image. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** How many lines of a tool's output an error message quotes. */
    private static final int TAIL_LINES = 25;

    /** Real-mode header fields checked on the result, offsets from boot.rst. */
    private static final int BOOT_FLAG_OFFSET = 0x1fe;
    private static final int HEADER_MAGIC_OFFSET = 0x202;

    private ProbeBuild() {
    }

    /**
     * Builds the image in {@code dir}, which must already hold probe.S and probe.ld.
     *
     * @param dir the working directory
     * @param tools the binutils commands
     * @return the built {@code dir/probe.bzImage}
     * @throws ProbeToolMissingException if a tool is not installed
     * @throws ProbeBuildException if a step fails or the result is not a bzImage
     */
    static Path run(Path dir, Toolchain tools) {
        step("assembling probe.S", dir, tools.as(), "the GNU assembler",
                List.of(tools.as(), "--32", "-o", "probe.o", "probe.S"));
        step("linking probe.o", dir, tools.ld(), "the GNU linker",
                List.of(tools.ld(), "-m", "elf_i386", "-T", "probe.ld", "-o", "probe.elf", "probe.o"));
        step("extracting the flat image", dir, tools.objcopy(), "part of GNU binutils",
                List.of(tools.objcopy(), "-O", "binary", "probe.elf", "probe.bzImage"));
        Path image = dir.resolve("probe.bzImage");
        checkLooksLikeBzImage(image);
        return image;
    }

    private static void step(String what, Path dir, String tool, String description,
            List<String> command) {
        Path log = dir.resolve(Path.of(tool).getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            // ProcessBuilder reports a command that is not on the PATH as "error=2, No such file".
            if (String.valueOf(e.getMessage()).contains("error=2,")) {
                throw new ProbeToolMissingException(tool, description, "binutils", command, e);
            }
            throw new ProbeBuildException(what + ": cannot run `" + String.join(" ", command) + "`: "
                    + e.getMessage(), command, e);
        }
        boolean finished;
        try {
            finished = process.waitFor(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProbeBuildException(what + ": interrupted while running `"
                    + String.join(" ", command) + "`", command, e);
        }
        if (!finished) {
            process.destroyForcibly();
            throw failure(what, command, "timed out after " + STEP_TIMEOUT.toSeconds() + " s", log);
        }
        if (process.exitValue() != 0) {
            throw failure(what, command, "exited with status " + process.exitValue(), log);
        }
    }

    private static ProbeBuildException failure(String what, List<String> command, String reason,
            Path log) {
        return new ProbeBuildException(what + ": `" + String.join(" ", command) + "` " + reason
                + tail(log), command, null);
    }

    private static String tail(Path log) {
        List<String> lines;
        try {
            lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return " (its output is unreadable: " + e.getMessage() + ")";
        }
        if (lines.isEmpty()) {
            return " (no output)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; output:\n  " + String.join("\n  ", last);
    }

    /** Catches a broken linker script before a monitor does: boot flag and "HdrS" must be set. */
    private static void checkLooksLikeBzImage(Path image) {
        byte[] head;
        try {
            head = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new ProbeBuildException("reading the built probe image " + image + ": "
                    + e.getMessage(), List.of(), e);
        }
        boolean ok = head.length > HEADER_MAGIC_OFFSET + 4
                && (head[BOOT_FLAG_OFFSET] & 0xff) == 0x55
                && (head[BOOT_FLAG_OFFSET + 1] & 0xff) == 0xaa
                && new String(head, HEADER_MAGIC_OFFSET, 4, StandardCharsets.US_ASCII).equals("HdrS");
        if (!ok) {
            throw new ProbeBuildException("the built probe image " + image
                    + " is not a bzImage (no 0xAA55 at 0x1fe or no \"HdrS\" at 0x202)", List.of(), null);
        }
    }
}
