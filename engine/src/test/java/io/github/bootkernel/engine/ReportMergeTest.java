package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReport.Kind;
import io.github.bootkernel.engine.report.KernelReport.Source;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Console and kernel-log reports into one list: dedupe by kind and uptime, order by uptime. */
class ReportMergeTest {

    private static KernelReport console(Kind kind, String title, long line, Long micros) {
        return new KernelReport(kind, title, List.of("x"), line, uptime(micros));
    }

    private static KernelReport log(Kind kind, String title, long sequence, long micros) {
        return new KernelReport(kind, title, List.of("x"), sequence, uptime(micros), Source.KERNEL_LOG);
    }

    private static Optional<Duration> uptime(Long micros) {
        return Optional.ofNullable(micros).map(m -> Duration.ofNanos(m * 1000));
    }

    @Test
    void theSameKindAtTheSameUptimeIsOneReportTheLogs() {
        KernelReport fromLog = log(Kind.WARNING, "WARNING in a", 40, 2_500_000);
        List<KernelReport> merged = ReportMerge.merge(List.of(fromLog),
                List.of(console(Kind.WARNING, "WARNING in a", 300, 2_500_000L)));
        assertThat(merged).containsExactly(fromLog);
    }

    @Test
    void anotherKindOrUptimeIsAnotherReport() {
        List<KernelReport> merged = ReportMerge.merge(List.of(log(Kind.WARNING, "WARNING in a", 40, 2_500_000)),
                List.of(console(Kind.BUG, "BUG: x", 300, 2_500_000L), console(Kind.WARNING, "WARNING in a", 310, 2_500_001L)));
        assertThat(merged).hasSize(3);
    }

    @Test
    void orderedByUptimeTheLogFirstOnATie() {
        KernelReport a = console(Kind.PANIC, "p", 1, 1_000_000L);
        KernelReport b = log(Kind.WARNING, "w", 5, 2_000_000);
        KernelReport c = console(Kind.OOPS, "o", 9, 3_000_000L);
        KernelReport d = log(Kind.BUG, "b", 7, 3_000_000);
        assertThat(ReportMerge.merge(List.of(b, d), List.of(a, c))).containsExactly(a, b, d, c);
    }

    @Test
    void aConsoleReportWithoutUptimeFollowsTheConsoleReportBeforeIt() {
        KernelReport a = console(Kind.PANIC, "p", 1, 1_000_000L);
        KernelReport noTime = console(Kind.BUG, "b", 2, null);
        KernelReport b = log(Kind.WARNING, "w", 5, 2_000_000);
        assertThat(ReportMerge.merge(List.of(b), List.of(a, noTime))).containsExactly(a, noTime, b);
        assertThat(ReportMerge.merge(List.of(b), List.of(noTime))).containsExactly(noTime, b);
    }

    @Test
    void withoutUptimeOnTheConsoleTheTitleMatchesEachLogReportOnce() {
        // printk.time=0: the console has no timestamps, the kernel log always has them.
        KernelReport first = log(Kind.WARNING, "WARNING in a", 10, 1_000_000);
        KernelReport second = log(Kind.WARNING, "WARNING in a", 20, 2_000_000);
        List<KernelReport> merged = ReportMerge.merge(List.of(first, second), List.of(
                console(Kind.WARNING, "WARNING in a", 3, null), console(Kind.WARNING, "WARNING in a", 8, null),
                console(Kind.WARNING, "WARNING in a", 12, null)));
        assertThat(merged).hasSize(3).contains(first, second);
    }

    @Test
    void sameReportRules() {
        KernelReport c = console(Kind.WARNING, "t", 3, 5L);
        assertThat(c.isSameReport(console(Kind.WARNING, "t", 3, 5L))).isTrue();
        assertThat(c.isSameReport(console(Kind.WARNING, "t", 4, 5L))).isFalse();
        assertThat(c.isSameReport(log(Kind.WARNING, "other title", 3, 5))).isTrue();
        assertThat(c.isSameReport(log(Kind.WARNING, "t", 3, 6))).isFalse();
        assertThat(c.isSameReport(log(Kind.BUG, "t", 3, 5))).isFalse();
        assertThat(c.location()).isEqualTo("console line 4");
        assertThat(log(Kind.BUG, "t", 3, 5).location()).isEqualTo("kernel log record 3");
    }
}
