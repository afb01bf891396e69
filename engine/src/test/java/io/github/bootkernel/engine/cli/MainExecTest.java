package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.TinyGuests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --exec} and {@code --console-log} in-process on hand-assembled guests (any KVM), which
 * have no agent: the tool says so and ends with the guest, whose console goes where it was told.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainExecTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);

    private int run(byte[] guest, String... more) throws Exception {
        String[] args = new String[6 + more.length];
        args[0] = "--kernel";
        args[1] = TinyGuests.write(dir, "guest", guest).toString();
        args[2] = "--memory";
        args[3] = "32";
        args[4] = "--initrd";
        args[5] = Files.write(dir.resolve("initrd"), new byte[] {'0', '7', '0', '7'}).toString();
        System.arraycopy(more, 0, args, 6, more.length);
        return Main.run(args, new ByteArrayInputStream(new byte[0]), stdout, stderr);
    }

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGuestThatEndsBeforeItsAgentConnectsIsAMonitorErrorThatSaysWhy() throws Exception {
        long t0 = System.nanoTime();

        int status = run(TinyGuests.printThenExit("booted\r\n", 0), "--exec", "true");

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(PROMPTLY);
        assertThat(status).isEqualTo(ExitCodes.VMM_ERROR);
        assertThat(stdout.size()).as("stdout is the command's, and none ran").isZero();
        assertThat(stderr()).contains("bootkernel: the guest ended (exit status 0) before its agent connected: the"
                + " initrd does not start bootkernel-agent on ttyS1")
                .as("the console goes nowhere without --verbose").doesNotContain("booted")
                .contains("bootkernel: guest ended: exit status 0");
    }

    @Test
    void theKernelLogsLineFollowsTheCauseAndDoesNotGuessAgain() throws Exception {
        Path klog = dir.resolve("kmsg.log");

        int status = run(TinyGuests.printThenExit("booted\r\n", 0), "--exec", "true", "--kernel-log", klog.toString());

        assertThat(status).isEqualTo(ExitCodes.VMM_ERROR);
        String cause = "bootkernel: the guest ended (exit status 0) before its agent connected";
        String kernelLog = "bootkernel: --kernel-log: " + klog + " holds no record: the guest agent never connected"
                + " (see above)\n";
        assertThat(stderr()).contains(cause, kernelLog).doesNotContain("does the initrd's /init start");
        assertThat(stderr().indexOf(cause)).as("the cause first").isLessThan(stderr().indexOf(kernelLog));
    }

    @Test
    void anAgentThatNeverComesEndsAtTheTimeLimit() throws Exception {
        int status = run(TinyGuests.printForever(""), "--timeout", "2", "--exec", "true");

        assertThat(status).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(stderr()).contains("bootkernel: the guest reached its time limit before its agent connected")
                .contains("bootkernel: guest ended: TIMEOUT");
    }

    @Test
    void verboseShowsTheConsoleOnStderr() throws Exception {
        int status = run(TinyGuests.printThenExit("booted\r\n", 0), "--verbose", "--exec", "true");

        assertThat(status).isEqualTo(ExitCodes.VMM_ERROR);
        assertThat(stderr()).contains("booted\r\n").contains("before its agent connected");
        assertThat(stdout.size()).isZero();
    }

    @Test
    void theConsoleLogTakesTheConsoleInsteadOfStdout() throws Exception {
        Path log = dir.resolve("console.txt");

        int status = run(TinyGuests.printThenExit("hello\r\n/ # ", 3), "--console-log", log.toString());

        assertThat(status).isEqualTo(3);
        assertThat(Files.readString(log)).isEqualTo("hello\r\n/ # ");
        assertThat(stdout.size()).isZero();
        assertThat(stderr()).contains("guest ended: exit status 3");
    }

    @Test
    void aLogInADirectoryThatDoesNotExistIsAUsageErrorBeforeTheGuestBoots() throws Exception {
        Path log = dir.resolve("no-such-dir/console.txt");

        assertThat(run(TinyGuests.printThenExit("x", 0), "--console-log", log.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).isEqualTo("bootkernel: --console-log " + log + ": cannot create the file: its directory "
                + log.getParent() + " does not exist (bootkernel --help shows the usage)\n");
        stderrBytes.reset();

        Path klog = dir.resolve("no-such-dir/kmsg.log");
        assertThat(run(TinyGuests.printThenExit("x", 0), "--kernel-log", klog.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).startsWith("bootkernel: --kernel-log " + klog + ": cannot create the file: its"
                + " directory ").doesNotContain("guest ended");
    }

    @Test
    void aKernelLogThatCannotBeOpenedIsStillAMonitorError() throws Exception {
        // The option check passes (/proc is a directory), but nobody, root included, creates a file
        // there: a permission check would be skipped for root, who runs CI.
        Path log = Path.of("/proc/bootkernel-kmsg.log");

        assertThat(run(TinyGuests.printThenExit("x", 0), "--kernel-log", log.toString()))
                .isEqualTo(ExitCodes.VMM_ERROR);
        assertThat(stderr()).startsWith("bootkernel: cannot write the kernel log: ").contains(log.toString());
    }
}
