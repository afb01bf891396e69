package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.report.KernelReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real machine's kernel reports (hand-assembled guests that print a kernel's lines, any KVM):
 * found as the console's lines arrive, complete once the guest ended, and told to listeners on a
 * thread of the machine's, never the vCPU thread.
 */
@Timeout(120)
class MachineReportsTest {

    /** A WARNING, then a panic whose report the guest's end cuts (as a reset right after it does). */
    private static final String CONSOLE = "[    1.000000] booting\r\n"
            + "[    1.100000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_bar+0x1/0x2\r\n"
            + "[    1.100001] Call Trace:\r\n"
            + "[    1.100002] ---[ end trace 0000000000000000 ]---\r\n"
            + "[    1.200000] Kernel panic - not syncing: simulated\r\n"
            + "[    1.200001] Kernel Offset: disabled\r\n";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Machine start(String text) throws Exception {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, "guest", TinyGuests.printThenExit(text, 0)))
                .memoryMiB(32).build());
    }

    @Test
    void theGuestsReportsAreCompleteOnceItEnded() throws Exception {
        try (Machine m = start(CONSOLE)) {
            assertThat(m.awaitExit(WAIT)).isPresent();

            List<KernelReport> reports = m.kernelReports();
            assertThat(reports).extracting(KernelReport::summary)
                    .containsExactly("warning: WARNING in foo_bar", "panic: kernel panic: simulated");
            assertThat(reports.get(0).consoleLine()).isEqualTo(1);
            assertThat(reports.get(0).lines()).hasSize(3);
            assertThat(reports.get(1).lines()).hasSize(2).last().asString().endsWith("Kernel Offset: disabled");
            assertThat(reports.get(1).uptime()).contains(Duration.ofMillis(1200));
        }
    }

    @Test
    void listenersAreToldOfEachReportOffTheVcpuThread() throws Exception {
        List<String> told = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        try (Machine m = start(CONSOLE)) {
            m.onKernelReport(r -> {
                told.add(Thread.currentThread().getName() + ": " + r.summary());
                both.countDown();
            });
            assertThat(m.awaitExit(WAIT)).isPresent();
            assertThat(both.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(told).hasSize(2).allMatch(t -> t.startsWith("bootkernel-reports-"))
                .anyMatch(t -> t.endsWith(": warning: WARNING in foo_bar"));
    }

    @Test
    void aListenerAfterTheEndHearsEveryReportAndOneThatBlocksStallsNothing() throws Exception {
        long t0;
        Machine m = start(CONSOLE);
        try {
            m.onKernelReport(r -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(m.awaitExit(WAIT)).isPresent();
        } finally {
            t0 = System.nanoTime();
            m.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        List<String> later = new CopyOnWriteArrayList<>();
        m.onKernelReport(r -> later.add(Thread.currentThread().getName() + ": " + r.kind().id()));
        assertThat(later).containsExactly(Thread.currentThread().getName() + ": warning",
                Thread.currentThread().getName() + ": panic");
    }
}
