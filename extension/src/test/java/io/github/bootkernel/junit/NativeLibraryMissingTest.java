package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JNA that cannot load its native library makes KVM unusable: a test that needs a guest is
 * aborted with that reason, not errored with an {@code UnsatisfiedLinkError}. Run in a fresh JVM
 * whose JNA may use neither the system's library nor the one in its jar.
 */
class NativeLibraryMissingTest {

    @TempDir
    Path dir;

    @Test
    void aTestThatNeedsAGuestIsAbortedWithTheReason() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String classPath = String.join(File.pathSeparator, Path.of("target", "test-classes").toString(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Djna.nosys=true", "-Djna.nounpack=true",
                "-Djna.boot.library.path=" + empty, "-cp", classPath, NativeLibraryMissingJvm.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().remove("CI");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ends").isTrue();
        List<String> out = Files.readAllLines(dir.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as("output: %s", out).isZero();
        assertThat(out).as("output").contains("aborted withGuest(Guest): KVM is unusable, so the guests of"
                + " withGuest(Guest) cannot boot: the native library that reaches /dev/null (JNA) cannot be loaded:"
                + " java.lang.UnsatisfiedLinkError: Could not find JNA native support (set bootkernel.requireKvm=true"
                + " to fail instead of abort)", "succeeded withoutGuest()");
        assertThat(out).noneMatch(line -> line.startsWith("failed"));
    }
}
