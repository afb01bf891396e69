package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kernel log through the guest agent ({@code KLOG}, docs/guest-agent-protocol.md), on one small
 * guest for the class: the tiny kernel with {@code quiet} (the console shows errors and worse only)
 * and {@code printk.devkmsg=on} (writes to /dev/kmsg are not rate-limited, so a shell loop can flood
 * the ring). A WARNING splat written at level 4, which a quiet console never shows, is a kernel
 * report with its title, found in the kernel log; a flood of the ring faster than the channel reads
 * is a gap with a count, after which records arrive again; after a command, waiting for the log
 * to catch up ({@code SYNC}) is enough for the command's record to be in it.
 */
@ExtendWith(StockKernelHost.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelLogIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    /** A WARN_ON() splat as the kernel prints it, of a function no kernel has. */
    private static final List<String> SPLAT = List.of(
            "WARNING: CPU: 0 PID: 1 at drivers/bootkernel/klog_test.c:42 bootkernel_klog_test+0x11/0x20",
            "Modules linked in:",
            "CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0 #1",
            "RIP: 0010:bootkernel_klog_test+0x11/0x20",
            "Call Trace:",
            " <TASK>",
            " bootkernel_klog_caller+0x5/0x10",
            " </TASK>",
            "---[ end trace 0000000000000000 ]---");

    @BootKernel(kernel = "tiny", initramfs = "busybox", cmdline = "quiet printk.devkmsg=on", awaitLine = "init: ready",
            failOnReports = "none")
    static Guest guest;

    @Test
    @Order(1)
    void aWarningAtLevel4IsAKernelReportFromTheKernelLogAndNotOnTheConsole() throws Exception {
        // One open per line, as a driver's printk lines are records of their own.
        String script = SPLAT.stream().map(line -> "echo '<4>" + line + "' > /dev/kmsg").collect(Collectors.joining("; "));
        assertThat(guest.sh(script)).succeeds();

        assertThat(guest.kernelLog()).emitsWithin(WAIT, "^---\\[ end trace 0000000000000000 \\]---$");
        KernelReport warning = awaitReport("WARNING in bootkernel_klog_test");
        assertThat(warning.kind()).isEqualTo(KernelReport.Kind.WARNING);
        assertThat(warning.source()).isEqualTo(KernelReport.Source.KERNEL_LOG);
        assertThat(warning.lines()).first().asString().endsWith(SPLAT.get(0));
        assertThat(guest.kernelLog()).atLevel(4).containsMessagesInOrder(SPLAT.get(0), "Call Trace:",
                "end trace 0000000000000000");
        KernelRecord first = guest.kernelLog().records(4).stream().filter(r -> r.message().equals(SPLAT.get(0)))
                .findFirst().orElseThrow();
        assertThat(first.level()).isEqualTo(4);
        assertThat(first.facility()).as("written from user space").isEqualTo(1);
        assertThat(guest.console().text()).as("a quiet console hides level 4").doesNotContain("bootkernel_klog_test");
        assertThat(guest.kernelLog().records()).as("the boot's records, from the first")
                .anyMatch(r -> r.message().startsWith("Linux version "));
    }

    @Test
    @Order(2)
    void aFloodOfTheRingIsAGapWithACountAndRecordsArriveAfterIt() throws Exception {
        KernelLog log = guest.kernelLog();
        long before = log.lostRecords();
        // About 6000 records of ~100 bytes: several times tiny's 128 KiB ring, written in a second or
        // two, far faster than the serial channel carries them.
        assertThat(guest.sh("exec 3>/dev/kmsg; i=0; while [ $i -lt 6000 ]; do"
                + " echo \"<6>bootkernel flood $i ................................................................\" >&3;"
                + " i=$((i+1)); done; echo '<6>bootkernel flood done' >&3")).succeeds();

        Optional<KernelRecord> after = log.awaitRecord(r -> afterAGap(log, r), WAIT);

        assertThat(after).as("a record after a gap; gaps %s, tail %s", log.gaps(), log.tail(5)).isPresent();
        assertThat(log.lostRecords()).isGreaterThan(before);
        KernelLogGap gap = log.gaps().get(log.gaps().size() - 1);
        assertThat(gap.count()).isPositive();
        assertThat(after.get().sequence()).isGreaterThanOrEqualTo(gap.next());
        assertThat(after.get().message()).startsWith("bootkernel flood");
        System.out.printf("bootkernel kernel log flood: %s; %d records lost in all, %d kept%n", gap, log.lostRecords(),
                log.records().size());
    }

    @Test
    @Order(3)
    void awaitCaughtUpMeansTheCommandsRecordIsInTheLogAlready() throws Exception {
        assertThat(guest.sh("echo '<6>bootkernel-sync-check' > /dev/kmsg")).succeeds();

        long t0 = System.nanoTime();
        boolean caughtUp = guest.kernelLog().awaitCaughtUp(WAIT);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(caughtUp).as("caught up within %s; log %s", WAIT, guest.kernelLog()).isTrue();
        assertThat(guest.kernelLog().records()).as("no wait for the record itself")
                .anyMatch(r -> r.message().equals("bootkernel-sync-check"));
        System.out.printf("bootkernel kernel log catch-up after a command: %.2f s%n", seconds);
    }

    /** Whether {@code r} is a flood record that came after the latest gap. */
    private static boolean afterAGap(KernelLog log, KernelRecord r) {
        List<KernelLogGap> gaps = log.gaps();
        return r.message().startsWith("bootkernel flood") && !gaps.isEmpty()
                && gaps.get(gaps.size() - 1).first() > 0 && r.sequence() >= gaps.get(gaps.size() - 1).next();
    }

    /**
     * The report with this title: the machine scans each record as it arrives, on the channel's
     * reader thread, just after the record becomes visible in the log.
     */
    private static KernelReport awaitReport(String title) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<KernelReport> found = guest.kernelReports().stream().filter(r -> r.title().equals(title)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(System.nanoTime() - end).as("a report titled %s; reports: %s", title, guest.kernelReports())
                    .isNegative();
            Thread.sleep(20);
        }
    }
}
