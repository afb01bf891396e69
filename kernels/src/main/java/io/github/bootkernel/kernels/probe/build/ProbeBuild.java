package io.github.bootkernel.kernels.probe.build;

import io.github.bootkernel.kernels.internal.CommandRunner;
import io.github.bootkernel.kernels.internal.FileChecks;
import io.github.bootkernel.kernels.probe.ProbeBuildException;
import io.github.bootkernel.kernels.probe.ProbeToolMissingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Turns probe.S and probe.ld into probe.bzImage with binutils, in a given directory:
 * {@code as --32}, {@code ld -m elf_i386 -T probe.ld}, {@code objcopy -O binary}.
 *
 * <p>Each tool runs through the module's {@link CommandRunner} (a timeout, its output captured
 * in a file, its exit status checked). Caching is not this class's job: see {@link ProbeRecipe}.
 */
public final class ProbeBuild {

    /**
     * The binutils commands used; tests replace one to simulate a missing tool.
     *
     * @param as the assembler
     * @param ld the linker
     * @param objcopy the object copier
     */
    public record Toolchain(String as, String ld, String objcopy) {

        /** The tools found on the {@code PATH}. */
        public static final Toolchain DEFAULT = new Toolchain("as", "ld", "objcopy");
    }

    /** A generous bound: each step takes milliseconds on a 6 KB image. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

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
    public static Path run(Path dir, Toolchain tools) {
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

    private static void step(String what, Path dir, String tool, String description, List<String> command) {
        CommandRunner run = CommandRunner.privateLog("").withFailures(ProbeBuildException::new);
        try {
            run.check(what, dir, STEP_TIMEOUT, command);
        } catch (ProbeBuildException e) {
            // ProcessBuilder reports a command that is not on the PATH as "error=2, No such file".
            if (e.getCause() instanceof IOException && String.valueOf(e.getCause().getMessage()).contains("error=2,")) {
                throw new ProbeToolMissingException(tool, description, "binutils", command, e.getCause());
            }
            throw e;
        }
    }

    /** Catches a broken linker script before a monitor does. */
    private static void checkLooksLikeBzImage(Path image) {
        String problem = FileChecks.bzImageProblem(image);
        if (problem != null) {
            throw new ProbeBuildException("the built probe image " + image + " is not a bzImage (" + problem + ")",
                    List.of(), null);
        }
    }
}
