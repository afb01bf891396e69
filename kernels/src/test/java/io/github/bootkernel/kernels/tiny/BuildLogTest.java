package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.kernels.FetchException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildLogTest {

    @TempDir
    Path dir;

    private final List<String> progress = new CopyOnWriteArrayList<>();

    @Test
    void keepsEveryCommandAndItsOutputInTheLog() throws Exception {
        BuildLog log = new BuildLog("tiny", dir.resolve("tiny.log"), progress::add);
        log.say("configuring");

        BuildLog.Result result = log.run("configuring", dir, Duration.ofSeconds(30),
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
        BuildLog log = new BuildLog("tiny", dir.resolve("tiny.log"), progress::add);

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
        BuildLog log = new BuildLog("tiny", dir.resolve("tiny.log"), progress::add, Duration.ofMillis(200));
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
        BuildLog log = new BuildLog("tiny", dir.resolve("tiny.log"), progress::add);

        assertThatThrownBy(() -> log.run("compiling", dir, Duration.ofSeconds(5), List.of("no-such-program-bootkernel")))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("tiny: compiling: cannot run no-such-program-bootkernel");
    }

    @Test
    void formatsDurations() {
        assertThat(BuildLog.format(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(BuildLog.format(Duration.ofSeconds(125))).isEqualTo("2 min 05 s");
    }
}
