package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the tool in-process on inputs that fail before any KVM call. */
class MainTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream(new byte[0]), stdout, stderr);
    }

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingKernelFileIsAMonitorError() {
        assertThat(run("--kernel", "/nonexistent")).isEqualTo(125);
        assertThat(stderr()).contains("/nonexistent").contains("no such file").startsWith("bootkernel: kernel ");
        assertThat(stdout.size()).isZero();
    }

    @Test
    void notABzImageIsAMonitorError(@TempDir Path dir) throws IOException {
        Path junk = Files.write(dir.resolve("junk"), new byte[4096]);
        assertThat(run("--kernel", junk.toString())).isEqualTo(125);
        assertThat(stderr()).contains(junk.toString()).contains("not a bzImage");
    }

    @Test
    void kernelDirectoryIsAMonitorError(@TempDir Path dir) {
        assertThat(run("--kernel", dir.toString())).isEqualTo(125);
        assertThat(stderr()).contains(dir.toString()).contains("not a regular file");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(stderr()).contains("unknown option --bogus").contains("--help shows the usage")
                .doesNotContain("usage:");
    }

    @Test
    void missingKernelOptionIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(stderr()).contains("--kernel is required");
    }

    @Test
    void badNumberIsAUsageError() {
        assertThat(run("--kernel", "/nonexistent", "--memory", "many")).isEqualTo(2);
        assertThat(stderr()).contains("--memory needs a whole number");
    }

    @Test
    void tooManyCpusIsAUsageErrorThatNamesTheOptionAndTheRange() {
        assertThat(run("--kernel", "/nonexistent", "--cpus", "65")).isEqualTo(2);
        assertThat(stderr()).contains("--cpus must be between 1 and 64, got 65");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("usage:").contains("--kernel PATH")
                .contains("--cpus N");
        assertThat(stderr()).isEmpty();
    }
}
