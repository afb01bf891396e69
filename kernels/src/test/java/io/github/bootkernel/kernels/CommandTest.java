package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

    private static final Path DIR = Path.of("/");

    @Test
    void capturesStandardOutputAndError() {
        String output = Command.check("testing", DIR, Duration.ofSeconds(30),
                List.of("sh", "-c", "echo out; echo err >&2"));

        assertThat(output).isEqualTo("out\nerr\n");
    }

    @Test
    void failureNamesTheCommandStatusAndOutput() {
        assertThatThrownBy(() -> Command.check("fetching x", DIR, Duration.ofSeconds(30),
                List.of("sh", "-c", "echo E: no such package; exit 100")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("fetching x: `sh -c echo E: no such package; exit 100` exited with status 100")
                .hasMessageContaining("E: no such package")
                .satisfies(e -> assertThat(((FetchException) e).command()).startsWith("sh", "-c"));
    }

    @Test
    void missingProgramIsReported() {
        assertThatThrownBy(() -> Command.run("building", DIR, Duration.ofSeconds(30),
                List.of("no-such-program-bootkernel")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("cannot run no-such-program-bootkernel");
    }

    @Test
    void timeoutKillsTheCommand() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Command.run("waiting", DIR, Duration.ofMillis(300), List.of("sleep", "30")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("timed out");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void runsInAStableLocale() {
        assertThat(Command.check("locale", DIR, Duration.ofSeconds(30), List.of("sh", "-c", "echo $LC_ALL")))
                .isEqualTo("C\n");
    }
}
