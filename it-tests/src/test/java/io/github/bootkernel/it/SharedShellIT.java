package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestMethodOrder;

/** One booted guest for the whole class (a static field), driven through its interactive shell. */
@ExtendWith(StockKernelHost.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedShellIT {

    @BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready")
    static Guest shell;

    private static Guest first;

    @Test
    @Order(1)
    void runsACommand() throws InterruptedException {
        first = shell;
        long from = shell.console().lineCount();
        shell.sendLine("uname -r");
        String release = shell.console().awaitLine(line -> line.matches("\\d+\\.\\d+.*"),
                Duration.ofSeconds(30), from).orElseThrow(() -> new AssertionError(
                        "no kernel release after 'uname -r'; console:\n" + shell.console().text()));
        assertThat(release).startsWith("6.").endsWith("-cloud-amd64");
    }

    @Test
    @Order(2)
    void theSecondTestSeesTheSameGuestAndItsState() throws InterruptedException {
        assertThat(shell).isSameAs(first);
        long from = shell.console().lineCount();
        shell.sendLine("echo marker-$((6 * 7)) > /tmp/m; cat /tmp/m");
        assertThat(shell.console().awaitLine(line -> line.equals("marker-42"), Duration.ofSeconds(30), from))
                .contains("marker-42");
        assertThat(shell.exit()).isEmpty();
    }
}
