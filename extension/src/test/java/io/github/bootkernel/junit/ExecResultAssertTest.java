package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The assertions on command results and their failure messages. */
class ExecResultAssertTest {

    private static final Exec EXIT_7 = Exec.shell("echo out; echo err >&2; exit 7");

    private static ExecResult exited(int status) {
        return FakeAgent.result(EXIT_7, status, -1 == status ? 9 : 0, false, "out\n", "err\n");
    }

    private static ExecResult killed(int signal, boolean timedOut) {
        return FakeAgent.result(Exec.of("sleep", "60").timeout(Duration.ofSeconds(2)), -1, signal, timedOut, "", "");
    }

    @Test
    void passingAssertionsChain() {
        assertThat(exited(0)).succeeds().exitedWith(0).stdout().isEqualTo("out\n");
        assertThat(exited(7)).exitedWith(7).stderr().isEqualTo("err\n");
        assertThat(killed(15, false)).wasKilledBy(15);
        assertThat(killed(9, true)).timedOut();
    }

    @Test
    void aFailureNamesTheCommandItsEndAndBothStreams() {
        assertThatThrownBy(() -> assertThat(exited(7)).succeeds()).isInstanceOf(AssertionError.class)
                .hasMessage("Expecting /bin/sh -c 'echo out; echo err >&2; exit 7' to succeed (exit status 0), but it"
                        + " exited with status 7 after 12 ms.\n\n"
                        + "stdout (1 line):\n  | out\n"
                        + "stderr (1 line):\n  | err");
        assertThatThrownBy(() -> assertThat(exited(0)).exitedWith(7))
                .hasMessageStartingWith("Expecting /bin/sh -c 'echo out; echo err >&2; exit 7' to exit with status 7,"
                        + " but it exited with status 0 after 12 ms.");
    }

    @Test
    void signalsAndTimeLimitsAreToldApart() {
        assertThatThrownBy(() -> assertThat(killed(15, false)).exitedWith(143))
                .hasMessageStartingWith("Expecting sleep 60 to exit with status 143, but it was killed by signal 15"
                        + " (SIGTERM) after 12 ms.\n\nstdout: empty\nstderr: empty");
        assertThatThrownBy(() -> assertThat(killed(9, true)).wasKilledBy(9))
                .hasMessageStartingWith("Expecting sleep 60 to be killed by signal 9 (SIGKILL), but it reached its time"
                        + " limit of 2 s and was killed by signal 9 (SIGKILL) after 12 ms.");
        assertThatThrownBy(() -> assertThat(killed(9, true)).succeeds())
                .hasMessageContaining("but it reached its time limit of 2 s");
        assertThatThrownBy(() -> assertThat(exited(0)).timedOut())
                .hasMessageStartingWith("Expecting /bin/sh -c 'echo out; echo err >&2; exit 7' to reach its time limit"
                        + " of 60 s, but it exited with status 0");
        assertThat(ExecReport.signal(40)).isEqualTo("signal 40 (SIGRTMIN+6)");
        assertThat(ExecReport.signal(33)).isEqualTo("signal 33");
    }

    @Test
    void longOutputShowsItsTailAndWhatWasDropped() {
        String many = IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        ExecResult result = new ExecResult(Exec.of("seq"), 1, 0, false, many.getBytes(StandardCharsets.UTF_8),
                ("x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8), 5, 0, Duration.ofMillis(3));

        assertThatThrownBy(() -> assertThat(result).succeeds())
                .hasMessageContaining("stdout (last 20 of 50 lines, and 5 bytes beyond the 67108864 kept were"
                        + " dropped):\n  | line 31\n")
                .hasMessageContaining("  | line 50   <- no newline at the end\nstderr (1 line):\n  | "
                        + "x".repeat(300) + "...")
                .hasMessageNotContaining("line 30\n");
    }

    @Test
    void stdoutAndStderrAssertionsAreDescribedByTheCommand() {
        assertThatThrownBy(() -> assertThat(exited(7)).stdout().isEqualTo("other"))
                .hasMessageStartingWith("[stdout of /bin/sh -c 'echo out; echo err >&2; exit 7', which exited with"
                        + " status 7 after 12 ms] ");
        assertThatThrownBy(() -> assertThat(exited(7)).stderr().isEmpty())
                .hasMessageStartingWith("[stderr of /bin/sh -c");
    }

    @Test
    void aResultFromAGuestEndsWithItsConsoleTail() throws InterruptedException {
        try (Machine machine = Machine.start(MachineConfig.builder(ProbeKernel.image()).appendCmdline("probe.hlt")
                .memoryMiB(32).build())) {
            machine.console().awaitLine(Pattern.compile("probe: ready"), Duration.ofSeconds(30)).orElseThrow();
            Guest guest = new Guest(machine, new FakeAgent(), "probe", "a test's guest", Duration.ofSeconds(5));
            ExecResult result = guest.exec("false");

            assertThatThrownBy(() -> assertThat(result).exitedWith(1))
                    .hasMessageContaining("\n\nIn " + guest + ".\n\nThe console (")
                    .hasMessageContaining("  | probe: ready");
        }
    }

    @Test
    void nullFails() {
        assertThatThrownBy(() -> assertThat((ExecResult) null).succeeds())
                .hasMessageContaining("Expecting actual not to be null");
    }
}
