package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar bootkernel.jar} as a process, the way shells, terminals and CI runners treat it:
 * a closed stdin, SIGINT, SIGTERM, a terminal. The guest is the probe, which runs on any KVM, so
 * these run on the build machines' host too.
 */
class CommandLineToolTest {

    /** How long a stop may take, from the signal to the process's end: prompt, not a timeout. */
    private static final Duration PROMPTLY = Duration.ofSeconds(15);
    /** The tool's own limit, far beyond any wait below: reaching it means the stop did not work. */
    private static final String TOOL_TIMEOUT = "120";
    private static final Duration BOOTED = Duration.ofSeconds(60);

    private static Path probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildTheProbe() {
        probe = ProbeKernel.image();
    }

    private static List<String> tool(String action, String... more) {
        List<String> args = new ArrayList<>(List.of("--kernel", probe.toString(), "--memory", "32", "--cmdline", action));
        args.addAll(List.of(more));
        return ToolProcess.command(args.toArray(String[]::new));
    }

    private ProcessBuilder withStderrIn(ProcessBuilder builder, String name) {
        return builder.redirectError(dir.resolve(name).toFile());
    }

    private String stderr(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    @Test
    void aClosedStdinFeedsNothingToTheGuest() throws Exception {
        // With <&-, the JVM's first file (lib/modules) takes descriptor 0; reading it would pour the
        // JDK's class image into the echoing guest (whose first 0x04 byte would end it with status 0).
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" <&-", "sh"));
        command.addAll(tool(ProbeKernel.ECHO, "--timeout", "3"));
        try (ToolProcess tool = ToolProcess.start(withStderrIn(new ProcessBuilder(command), "stderr"))) {
            int status = tool.awaitExit(BOOTED);

            assertThat(tool.stdout()).as("the echo guest received nothing").endsWith("probe: ready\r\n");
            assertThat(status).as("ended by --timeout; stderr: %s", stderr("stderr")).isEqualTo(124);
        }
    }

    @Test
    void sigintStopsTheGuestPrintsTheSummaryAndExits130() throws Exception {
        assertStoppedBySignal("INT", 130, "after SIGINT");
    }

    @Test
    void sigtermStopsTheGuestPrintsTheSummaryAndExits143() throws Exception {
        assertStoppedBySignal("TERM", 143, "after SIGTERM");
    }

    private void assertStoppedBySignal(String signal, int status, String summary) throws Exception {
        try (ToolProcess tool = ToolProcess.start(withStderrIn(
                new ProcessBuilder(tool(ProbeKernel.SPIN, "--timeout", TOOL_TIMEOUT)), "stderr"))) {
            tool.awaitStdout("probe: ready", BOOTED);
            long t0 = System.nanoTime();

            tool.signal(signal);

            int exit = tool.awaitExit(PROMPTLY);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("SIG%s to a spinning guest: ended in %.2f s, exit %d%n", signal, seconds, exit);
            assertThat(exit).as("stderr: %s", stderr("stderr")).isEqualTo(status);
            assertThat(stderr("stderr")).contains("bootkernel: guest ended: STOPPED").contains(summary);
        }
    }

    @Test
    void aSecondSigintEndsTheToolEvenWhileStoppingIsStuck() throws Exception {
        // stdout is a pipe nobody reads: a flooding guest fills it, and whatever writes console
        // output then blocks, so stopping in order can hang; the second SIGINT must not.
        Process tool = withStderrIn(new ProcessBuilder(tool("probe.flood=0", "--timeout", TOOL_TIMEOUT)), "stderr")
                .start();
        try {
            awaitBlockedWritingAPipe(tool.pid(), BOOTED);
            assertThat(ToolProcess.kill(tool.pid(), "INT")).isTrue();
            Thread.sleep(500);
            long t0 = System.nanoTime();

            ToolProcess.kill(tool.pid(), "INT"); // fails if the first one was enough: fine too

            boolean ended = tool.waitFor(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            String stderr = stderr("stderr");
            System.out.printf("second SIGINT with stdout blocked: ended %s in %.2f s (%s)%n", ended,
                    (System.nanoTime() - t0) / 1e9, stderr.contains("asked again") ? "by the second" : "by the first");
            assertThat(ended).as("ended after the second SIGINT; stderr: %s", stderr).isTrue();
            assertThat(tool.exitValue()).isEqualTo(130);
        } finally {
            tool.destroyForcibly();
        }
    }

    /** Waits until a thread of the process sleeps in the kernel's pipe write ({@code /proc/PID/task/TID/wchan}). */
    private static void awaitBlockedWritingAPipe(long pid, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (Files.readString(task.resolve("wchan")).contains("pipe_write")) {
                            return;
                        }
                    } catch (IOException e) {
                        // the thread ended meanwhile
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the tool never blocked writing its stdout pipe within " + timeout);
    }

    @Test
    void stdinThatIsNotATerminalIsForwardedAsItIsEscapesIncluded() throws Exception {
        try (ToolProcess tool = ToolProcess.start(withStderrIn(
                new ProcessBuilder(tool(ProbeKernel.ECHO, "--timeout", TOOL_TIMEOUT)), "stderr"))) {
            tool.type("a\u0001x\u0003b\r\u0004");

            int exit = tool.awaitExit(BOOTED);

            assertThat(tool.stdout()).as("Ctrl-A x and Ctrl-C are bytes for the guest").contains("a\u0001x\u0003b\r\n");
            assertThat(exit).as("Ctrl-D ended the echo guest; stderr: %s", stderr("stderr")).isZero();
        }
    }

    @Test
    void aTerminalIsRawUntilCtrlAXAndRestoredAfterwards() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "script(1) from util-linux (Debian's bsdutils) gives a terminal");
        // script runs the shell line on a new pseudo-terminal; its stdin and stdout are our pipes.
        String line = "stty -g; " + shellQuoted(tool(ProbeKernel.ECHO, "--timeout", TOOL_TIMEOUT))
                + "; echo \"status=$?\"; stty -g";
        try (ToolProcess tool = ToolProcess.start(new ProcessBuilder(script.toString(), "-qfec", line, "/dev/null")
                .redirectErrorStream(true))) {
            tool.awaitStdout("probe: ready", BOOTED);

            tool.type("ab\u0003\u0001\u0001\r"); // Ctrl-C and one Ctrl-A reach the guest, unechoed by the host
            tool.awaitStdout("ab\u0003\u0001\r", BOOTED);
            tool.type("\u0001h");
            tool.awaitStdout("Ctrl-A Ctrl-A", BOOTED);
            tool.type("\u0001x");
            int exit = tool.awaitExit(PROMPTLY.plus(BOOTED));

            String out = tool.stdout();
            List<String> modes = out.lines().map(String::strip).filter(l -> l.matches("[0-9a-f]+(:[0-9a-f]+){10,}"))
                    .toList();
            assertThat(exit).as("script's status; output:\n%s", out).isZero();
            assertThat(out).contains("bootkernel: guest ended: STOPPED").contains("after Ctrl-A x").contains("status=130");
            assertThat(out).as("typed bytes echoed once, by the guest").doesNotContain("abab");
            assertThat(modes).as("stty -g before and after").hasSize(2);
            assertThat(modes.get(1)).as("the terminal's mode is restored").isEqualTo(modes.get(0));
        }
    }

    private static String shellQuoted(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }
}
