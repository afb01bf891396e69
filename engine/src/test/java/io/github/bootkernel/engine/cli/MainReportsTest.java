package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.TinyGuests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool and the kernel's reports (hand-assembled guests that print a kernel's lines, any KVM):
 * each report on stderr as it completes, and {@code --fail-on}'s exit status after a normal end.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainReportsTest {

    private static final String WARNING = "[    1.100000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_bar+0x1/0x2\r\n"
            + "[    1.100001] ---[ end trace 0000000000000000 ]---\r\n";
    private static final String PANIC = "[    1.200000] Kernel panic - not syncing: simulated\r\n";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);

    private int run(String console, int status, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--kernel",
                TinyGuests.write(dir, "guest", TinyGuests.printThenExit(console, status)).toString(), "--memory", "32"));
        args.addAll(List.of(more));
        return Main.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                stderr);
    }

    private String stderr() {
        return stderrBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachReportIsPrintedBeforeTheSummaryAndAWarningDoesNotFailByDefault() throws Exception {
        assertThat(run("booting\r\n" + WARNING, 0)).isZero();

        assertThat(stderr()).startsWith("bootkernel: kernel report: warning: WARNING in foo_bar\n"
                + "bootkernel: guest ended: exit status 0 (");
    }

    @Test
    void aPanicReportBeforeANormalEndIsItsOwnStatus() throws Exception {
        assertThat(run(PANIC, 0)).isEqualTo(ExitCodes.KERNEL_REPORT);

        assertThat(stderr()).startsWith("bootkernel: kernel report: panic: kernel panic: simulated\n")
                .endsWith("bootkernel: exit status 120 for the kernel report 'panic: kernel panic: simulated'"
                        + " (--fail-on), instead of 0\n");
    }

    @Test
    void failOnNamesTheKindsOrNone() throws Exception {
        assertThat(run(WARNING, 3, "--fail-on", "oops,warning")).isEqualTo(ExitCodes.KERNEL_REPORT);
        stderrBytes.reset();
        assertThat(run(PANIC + WARNING, 3, "--fail-on", "none")).isEqualTo(3);
        assertThat(stderr()).contains("bootkernel: kernel report: panic: kernel panic: simulated\n"
                + "bootkernel: kernel report: warning: WARNING in foo_bar\n").doesNotContain("--fail-on");
    }

    @Test
    void anEndThatIsAFailureKeepsItsOwnStatus() throws Exception {
        String kernel = TinyGuests.write(dir, "guest",
                TinyGuests.printForever("Kernel panic - not syncing: x\r\n")).toString();

        int status = Main.run(new String[] {"--kernel", kernel, "--memory", "32", "--timeout", "2"},
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), stderr);

        assertThat(status).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(stderr()).startsWith("bootkernel: kernel report: panic: kernel panic: x\n")
                .doesNotContain("--fail-on");
    }
}
