package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stock kernel's own report, found on its console: Debian's cloud kernel crashed through
 * {@code /proc/sysrq-trigger} reports a panic with its title, its call trace and its uptime.
 * Without {@code quiet}: it would hide the call trace, which the kernel prints at the default
 * log level.
 */
@ExtendWith(StockKernelHost.class)
class KernelReportsIT {

    @Test
    void aCrashThroughSysrqIsAPanicReportWithATitleAndACallTrace(@BootKernel(initramfs = "busybox",
            awaitLine = "init: ready", bootTimeout = 180, failOnReports = "none") Guest guest) {
        assertThat(guest).hasNoKernelReports();

        guest.sendLine("echo c > /proc/sysrq-trigger");

        assertThat(guest).endsWithin(Duration.ofSeconds(120)).panicked();
        assertThat(guest.kernelReports()).singleElement().satisfies(report -> {
            assertThat(report.kind()).isEqualTo(KernelReport.Kind.PANIC);
            assertThat(report.title()).isEqualTo("kernel panic: sysrq triggered crash");
            assertThat(report.lines()).first().asString().endsWith("Kernel panic - not syncing: sysrq triggered crash");
            assertThat(report.lines()).anyMatch(l -> l.endsWith("Call Trace:"))
                    .anyMatch(l -> l.contains(" sysrq_handle_crash+0x"));
            assertThat(report.uptime()).isPresent();
            assertThat(guest.console().lines().get((int) (report.consoleLine() - guest.console().droppedLines())))
                    .isEqualTo(report.lines().get(0));
        });
        assertThatThrownBy(() -> assertThat(guest).hasNoKernelReports())
                .hasMessageContaining("but it printed 1:\npanic: kernel panic: sysrq triggered crash (console line ");
    }
}
