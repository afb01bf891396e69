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

    private static final String UNSUITABLE = "KVM unusable (UNSUITABLE): the native library that reaches KVM (JNA)"
            + " cannot be loaded: java.lang.";

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
        String again = "NoClassDefFoundError: Could not initialize class io.github.bootkernel.engine.kvm.Native";
        assertThat(result.stdout().lines()).as("stderr: %s", result.stderr()).containsExactly(
                "start 1: KvmUnavailableException: " + UNSUITABLE + "UnsatisfiedLinkError: Could not find JNA native support",
                "start 2: KvmUnavailableException: " + UNSUITABLE + again,
                "probe: false " + UNSUITABLE.replace("reaches KVM", "reaches /dev/null") + again);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void theCommandLineToolPrintsOneLineAndExitsWith125() throws Exception {
        Path kernel = TinyGuests.write(dir, "spin", TinyGuests.SPIN);
        ChildJvm.Result result = run("io.github.bootkernel.engine.cli.Main", "--kernel", kernel.toString(),
                "--timeout", "5");
        assertThat(result.exitCode()).as("stderr: %s", result.stderr()).isEqualTo(ExitCodes.VMM_ERROR);
        assertThat(result.stderr().lines()).containsExactly("bootkernel: " + UNSUITABLE
                + "UnsatisfiedLinkError: Could not find JNA native support");
        assertThat(result.stdout()).isEmpty();
    }
}
