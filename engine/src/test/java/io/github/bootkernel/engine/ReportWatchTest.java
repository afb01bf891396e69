package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kmsg.KernelRecord;
import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReport.Kind;
import io.github.bootkernel.engine.report.KernelReport.Source;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The console's and the kernel log's reports, merged, and each told to the listeners once. */
class ReportWatchTest {

    private final ReportWatch watch = new ReportWatch();

    /** A WARNING splat as records: its header at sequence 40, 2.5 s after boot. */
    private void warningRecords(long firstSequence, long micros) {
        String[] lines = {"------------[ cut here ]------------",
            "WARNING: CPU: 0 PID: 1 at drivers/foo.c:12 foo_probe+0x1/0x2", "Call Trace:",
            "---[ end trace 0000000000000000 ]---"};
        for (int i = 0; i < lines.length; i++) {
            watch.accept(KernelRecord.of(firstSequence + i, 4, micros + i, lines[i]));
        }
    }

    @Test
    void aReportOnlyInTheKernelLogIsFoundAtItsRecord() {
        // A quiet console (loglevel 4) prints no warning; the kernel log has every record.
        watch.accept(KernelRecord.of(38, 6, 2_400_000, "usb 1-1: new device"));
        warningRecords(39, 2_500_000);
        watch.end();
        List<KernelReport> reports = watch.reports();
        assertThat(reports).hasSize(1);
        KernelReport warning = reports.get(0);
        assertThat(warning.source()).isEqualTo(Source.KERNEL_LOG);
        assertThat(warning.summary()).isEqualTo("warning: WARNING in foo_probe");
        assertThat(warning.consoleLine()).isEqualTo(40); // the header's record, after the cut-here line
        assertThat(warning.location()).isEqualTo("kernel log record 40");
        assertThat(warning.uptime()).contains(Duration.ofNanos(2_500_001_000L));
        assertThat(warning.lines()).first().isEqualTo("[    2.500000] ------------[ cut here ]------------");
        assertThat(warning.describe()).startsWith("warning: WARNING in foo_probe (kernel log record 40, uptime 2.500001 s)");
    }

    @Test
    void aReportInBothIsListedOnceAsTheKernelLogsAndToldOnce() {
        List<KernelReport> told = new CopyOnWriteArrayList<>();
        watch.listen(told::add);
        // The console shows it first (the agent reads the log later), then the log delivers it.
        watch.accept("[    2.500001] WARNING: CPU: 0 PID: 1 at drivers/foo.c:12 foo_probe+0x1/0x2");
        watch.accept("[    2.500002] Call Trace:");
        watch.accept("[    2.500003] ---[ end trace 0000000000000000 ]---");
        warningRecords(39, 2_500_000);
        watch.end();
        assertThat(watch.reports()).singleElement().extracting(KernelReport::source).isEqualTo(Source.KERNEL_LOG);
        watch.finish(Duration.ofSeconds(5));
        assertThat(told).singleElement().extracting(KernelReport::source).isEqualTo(Source.CONSOLE);
    }

    @Test
    void twoReportsOfTheSameKindAtDifferentTimesStayTwo() {
        List<KernelReport> told = new CopyOnWriteArrayList<>();
        watch.listen(told::add);
        warningRecords(10, 1_000_000);
        warningRecords(20, 3_000_000);
        watch.accept("[    1.000001] WARNING: CPU: 0 PID: 1 at drivers/foo.c:12 foo_probe+0x1/0x2");
        watch.accept("[    1.000003] ---[ end trace 0000000000000000 ]---");
        watch.end();
        assertThat(watch.reports()).extracting(KernelReport::location)
                .containsExactly("kernel log record 11", "kernel log record 21");
        watch.finish(Duration.ofSeconds(5));
        assertThat(told).extracting(KernelReport::location)
                .containsExactly("kernel log record 11", "kernel log record 21");
    }

    @Test
    void theConsoleStaysTheSourceForWhatTheLogMissed() {
        // A panic's last words reach the console; the agent never reads them.
        warningRecords(10, 1_000_000);
        watch.accept("[    5.000000] Kernel panic - not syncing: Attempted to kill init!");
        watch.end();
        assertThat(watch.reports()).extracting(KernelReport::kind, KernelReport::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.WARNING, Source.KERNEL_LOG),
                        org.assertj.core.groups.Tuple.tuple(Kind.PANIC, Source.CONSOLE));
    }

    @Test
    void aMultiLineRecordIsItsConsoleLines() {
        watch.accept(KernelRecord.of(7, 4, 1_000_000, "WARNING: CPU: 0 PID: 1 at a.c:1 bar+0x1/0x2\nCall Trace:\n"
                + "---[ end trace 0000000000000000 ]---"));
        watch.accept(KernelRecord.of(8, 4, 2_000_000, "BUG: kernel NULL pointer dereference, address: 0000000000000000"));
        watch.end();
        assertThat(watch.reports()).extracting(KernelReport::location, r -> r.lines().size())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kernel log record 7", 3),
                        org.assertj.core.groups.Tuple.tuple("kernel log record 8", 1));
    }
}
