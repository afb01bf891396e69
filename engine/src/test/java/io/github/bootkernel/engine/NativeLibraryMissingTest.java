package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JNA that cannot load its native library is "KVM unusable", never an {@code UnsatisfiedLinkError}:
 * the probe says so, every {@code Machine.start} throws {@link KvmUnavailableException}, and the
 * command-line tool prints one line and exits with 125. Each in a fresh JVM (JNA loads once per JVM).
 */
class NativeLibraryMissingTest {

    private static final String UNSUITABLE = "KVM unusable (UNSUITABLE): the native library that reaches %s (JNA)"
            + " cannot be loaded: java.lang.UnsatisfiedLinkError: Could not find JNA native support";
    private static final String AGAIN = " (Could not initialize class io.github.bootkernel.engine.kvm.Native)";

    @TempDir
    Path dir;

    private ChildJvm.Result run(String mainClass, String... args) throws Exception {
        return ChildJvm.withoutJnaNative(Files.createDirectories(dir.resolve("empty")),
                ChildJvm.testClassPath(Path.of("target", "test-classes")), mainClass, args);
    }

    @Test
    void probeAndEveryStartReportKvmUnavailable() throws Exception {
        Path kernel = TinyGuests.write(dir, "spin", TinyGuests.SPIN);
        ChildJvm.Result result = run(NativeLibraryMissing.class.getName(), kernel.toString());
        // Later uses of the class that failed to load still name the first error.
        assertThat(result.stdout().lines()).as("stderr: %s", result.stderr()).containsExactly(
                "start 1: KvmUnavailableException: " + UNSUITABLE.formatted("/dev/kvm"),
                "start 2: KvmUnavailableException: " + UNSUITABLE.formatted("/dev/kvm") + AGAIN,
                "probe: false " + UNSUITABLE.formatted("/dev/null") + AGAIN);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void theCommandLineToolPrintsOneLineAndExitsWith125() throws Exception {
        Path kernel = TinyGuests.write(dir, "spin", TinyGuests.SPIN);
        ChildJvm.Result result = run("io.github.bootkernel.engine.cli.Main", "--kernel", kernel.toString(),
                "--timeout", "5");
        assertThat(result.exitCode()).as("stderr: %s", result.stderr()).isEqualTo(ExitCodes.VMM_ERROR);
        // One line, naming the first error (the tool may have touched the native code before the
        // machine did, to look at its stdin).
        assertThat(result.stderr().lines()).singleElement().asString()
                .startsWith("bootkernel: " + UNSUITABLE.formatted("/dev/kvm"));
        assertThat(result.stdout()).isEmpty();
    }
}
