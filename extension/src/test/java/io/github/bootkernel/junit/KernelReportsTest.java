package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.reportEntry;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.bootkernel.engine.report.KernelReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A guest's kernel reports: {@link Guest#kernelReports()}, {@link GuestAssert#hasNoKernelReports()}
 * with its allowlist, and the policy that fails a test by itself. The probe echoes what it is
 * sent, so it prints the kernel's lines on demand (without timestamps, as a kernel without
 * {@code CONFIG_PRINTK_TIME} does).
 */
class KernelReportsTest {

    static final String WARNING = "WARNING: CPU: 0 PID: 1 at drivers/foo/foo.c:12 foo_probe+0x1/0x2";
    static final String PANIC = "Kernel panic - not syncing: simulated";
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Has the probe echo {@code line} and waits until it is on the console. */
    static void print(Guest guest, String line) {
        long from = guest.console().lineCount();
        guest.sendLine(line);
        try {
            assertThat(guest.console().awaitLine(l -> l.equals(line), WAIT, from)).isPresent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void hasNoKernelReportsNamesEachReportNotAllowed(
            @BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready") Guest guest) {
        assertThat(guest).hasNoKernelReports();
        print(guest, "DEBUG: BUG: not at the start of the message");
        assertThat(guest).hasNoKernelReports();

        print(guest, WARNING);

        assertThat(guest.kernelReports()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(KernelReport.Kind.WARNING);
            assertThat(r.title()).isEqualTo("WARNING in foo_probe");
            assertThat(r.uptime()).isEmpty();
        });
        assertThatThrownBy(() -> assertThat(guest).hasNoKernelReports())
                .hasMessageStartingWith("Expecting " + guest + " to print no kernel report, but it printed 1:\n"
                        + "warning: WARNING in foo_probe (console line ")
                .hasMessageContaining("\n  " + WARNING + "\n");
        assertThat(guest).allowingKernelReports(KernelReport.Kind.WARNING).hasNoKernelReports();
        assertThat(guest).allowingKernelReportsTitled("WARNING in foo_.*").hasNoKernelReports();
        assertThatThrownBy(() -> assertThat(guest).allowingKernelReportsTitled("WARNING in foo").hasNoKernelReports())
                .hasMessageStartingWith("Expecting " + guest + " to print no kernel report (allowed: /WARNING in foo/),"
                        + " but it printed 1:");
    }

    @Test
    void aPanicFailsATestThatPassedAndTheLogShowsIt() throws IOException {
        Path reports = dir.resolve("reports");
        EngineExecutionResults results = TestKit.run(Panicking.class, Settings.REPORT_DIR, reports.toString());

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(2));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("panics"), finishedWithFailure(message(m -> m.startsWith(
                        "guest 'parameter #0 of " + Panicking.class.getName() + ".panics(Guest)' (kernel probe) printed 1"
                                + " kernel report of a kind that fails its test (failOnReports: panic, oops, bug, gpf,"
                                + " unable-to-handle, kasan, kmsan, kfence):\npanic: kernel panic: simulated (console line ")
                        && m.contains("\n  " + PANIC)))))
                .haveExactly(1, event(test("warnsWhereWarningsFail"), finishedWithFailure(message(m -> m.contains(
                        "(failOnReports: warning):\nwarning: WARNING in foo_probe")))))
                .haveExactly(1, event(test("panicsOnPurpose"), finishedSuccessfully()))
                .haveExactly(1, event(test("warnsWhereOnlyTheDefaultFails"), finishedSuccessfully()));
        results.allEvents().assertThatEvents()
                .haveAtLeastOne(event(test("panicsOnPurpose"), reportEntry(Map.of("bootkernel.kernelReport",
                        "guest 'parameter #0 of " + Panicking.class.getName() + ".panicsOnPurpose(Guest)' (kernel probe):"
                                + " panic: kernel panic: simulated (allowed)"))));
        String log = Files.readString(reports.resolve(Panicking.class.getName() + ".panics.log"));
        assertThat(log).contains("report:  panic: kernel panic: simulated (console line ").contains("\n" + PANIC + "\n");
    }

    @Test
    void aSharedGuestsReportFailsOnlyTheTestDuringWhichItCame() {
        EngineExecutionResults results = TestKit.run(SharedGuest.class);

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(1));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("second"), finishedWithFailure(message(m -> m.contains("kernel panic: simulated")))));
    }

    @Test
    void aBadKindIsAConfigurationError() {
        EngineExecutionResults results = TestKit.run(SharedGuest.class, Settings.FAIL_ON_REPORTS, "panic,oopsie");

        results.containerEvents().assertThatEvents().haveAtLeastOne(finishedWithFailure(message(m -> m.equals(
                Settings.FAIL_ON_REPORTS + ": no kernel report kind 'oopsie'; the kinds are panic, oops, bug, warning,"
                        + " gpf, unable-to-handle, kasan, kmsan, kfence, kcsan, ubsan, hung-task, rcu-stall, soft-lockup,"
                        + " hard-lockup, lockdep, oom-kill"))));
    }

    @TestKitOnly
    static class Panicking {
        @Test
        void panics(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready") Guest guest) {
            print(guest, PANIC);
        }

        @Test
        void panicsOnPurpose(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready",
                failOnReports = "none") Guest guest) {
            print(guest, PANIC);
        }

        @Test
        void warnsWhereWarningsFail(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready",
                failOnReports = "warning") Guest guest) {
            print(guest, WARNING);
        }

        @Test
        void warnsWhereOnlyTheDefaultFails(@BootKernel(kernel = "probe", cmdline = "probe.echo",
                awaitLine = "probe: ready") Guest guest) {
            print(guest, WARNING);
        }
    }

    @TestKitOnly
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SharedGuest {
        @BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready")
        static Guest guest;

        @Test
        @Order(1)
        void first() {
            print(guest, "init: ready");
        }

        @Test
        @Order(2)
        void second() {
            print(guest, PANIC);
        }

        @Test
        @Order(3)
        void third() {
            print(guest, "still running");
        }
    }
}
