package io.github.bootkernel.kernels.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.FetchException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one command runner: with a private log per command (apt, gcc, binutils) and with a kept build log. */
class CommandRunnerTest {

    private static final Path DIR = Path.of("/");

    @Test
    void capturesStandardOutputAndError() {
        String output = CommandRunner.privateLog("").check("testing", DIR, Duration.ofSeconds(30),
                List.of("sh", "-c", "echo out; echo err >&2"));

        assertThat(output).isEqualTo("out\nerr\n");
    }

    @Test
    void failureNamesTheCommandStatusAndOutput() {
        assertThatThrownBy(() -> CommandRunner.privateLog("").check("fetching x", DIR, Duration.ofSeconds(30),
                List.of("sh", "-c", "echo E: no such package; exit 100")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("fetching x: `sh -c echo E: no such package; exit 100` exited with status 100")
                .hasMessageContaining("E: no such package")
                .satisfies(e -> assertThat(((FetchException) e).command()).startsWith("sh", "-c"));
    }

    @Test
    void missingProgramIsReported() {
        assertThatThrownBy(() -> CommandRunner.privateLog("").run("building", DIR, Duration.ofSeconds(30),
                List.of("no-such-program-bootkernel")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("cannot run no-such-program-bootkernel");
    }

    @Test
    void timeoutKillsTheCommand() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> CommandRunner.privateLog("").run("waiting", DIR, Duration.ofMillis(300), List.of("sleep", "30")))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("timed out");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void runsInAStableLocale() {
        assertThat(CommandRunner.privateLog("").check("locale", DIR, Duration.ofSeconds(30), List.of("sh", "-c", "echo $LC_ALL")))
                .isEqualTo("C\n");
    }

    @TempDir
    Path dir;

    private final List<String> progress = new CopyOnWriteArrayList<>();

    @Test
    void keepsEveryCommandAndItsOutputInTheLog() throws Exception {
        CommandRunner log = CommandRunner.keptLog("tiny", dir.resolve("tiny.log"), progress::add);
        log.say("configuring");

        CommandRunner.Result result = log.run("configuring", dir, Duration.ofSeconds(30),
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"));

        assertThat(result.exitStatus()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("out\nerr\n");
        assertThat(progress).containsExactly("tiny: configuring");
        assertThat(log.file()).hasContent("""
                ### configuring
                $ sh -c echo out; echo err >&2; exit 3
                out
                err
                ### exit status 3""");
    }

    @Test
    void aFailedCommandNamesItselfTheLogAndQuotesItsTail() {
        CommandRunner log = CommandRunner.keptLog("tiny", dir.resolve("tiny.log"), progress::add);

        assertThatThrownBy(() -> log.check("compiling", dir, Duration.ofSeconds(30),
                List.of("sh", "-c", "for i in $(seq 1 40); do echo line $i; done; exit 2")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("tiny: compiling: `sh -c for i in $(seq 1 40); do echo line $i; done; exit 2`"
                        + " exited with status 2\nThe whole build log is " + dir.resolve("tiny.log")
                        + "; its last 30 lines:\n")
                .hasMessageContaining("  line 40\n  ### exit status 2")
                .hasMessageNotContaining("line 10\n");
    }

    @Test
    void reportsProgressWhileACommandRunsAndKillsItAtTheTimeout() {
        CommandRunner log = CommandRunner.keptLog("tiny", dir.resolve("tiny.log"), progress::add,
                Duration.ofMillis(200));
        long start = System.nanoTime();

        assertThatThrownBy(() -> log.check("compiling", dir, Duration.ofSeconds(1),
                List.of("sh", "-c", "sleep 30 & wait")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("tiny: compiling: `sh -c sleep 30 & wait` timed out after 1 s");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(progress).hasSizeGreaterThanOrEqualTo(3).allMatch(line -> line.matches("tiny: compiling\\.\\.\\. \\d+ s"));
    }

    @Test
    void aMissingProgramIsAFetchException() {
        CommandRunner log = CommandRunner.keptLog("tiny", dir.resolve("tiny.log"), progress::add);

        assertThatThrownBy(() -> log.run("compiling", dir, Duration.ofSeconds(5), List.of("no-such-program-bootkernel")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("tiny: compiling: cannot run no-such-program-bootkernel");
    }

    @Test
    void formatsDurations() {
        assertThat(CommandRunner.format(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(CommandRunner.format(Duration.ofSeconds(125))).isEqualTo("2 min 05 s");
    }
}
