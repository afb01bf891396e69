package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.report.KernelReport;
import io.github.bootkernel.engine.report.KernelReport.Kind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportPolicyTest {

    @Test
    void kindsByIdOrNone() {
        assertThat(ReportPolicy.parse("panic, hung-task,KASAN")).containsExactly(Kind.PANIC, Kind.KASAN, Kind.HUNG_TASK);
        assertThat(ReportPolicy.parse(" None ")).isEmpty();
        assertThatThrownBy(() -> ReportPolicy.parse(" , ")).hasMessage("names no kind: ' , '; give kind ids"
                + " separated by commas, or 'none'");
        assertThat(ReportPolicy.describe(ReportPolicy.DEFAULT)).isEqualTo("panic, oops, bug, gpf, unable-to-handle,"
                + " kasan, kmsan, kfence");
        assertThat(ReportPolicy.describe(EnumSet.noneOf(Kind.class))).isEqualTo("none");
    }

    @Test
    void eachReportIsJudgedOnce() {
        ReportPolicy policy = new ReportPolicy(EnumSet.of(Kind.PANIC));
        KernelReport warning = report(Kind.WARNING);
        KernelReport panic = report(Kind.PANIC);

        assertThat(policy.takeNew(List.of(warning))).containsExactly(warning);
        assertThat(policy.takeNew(List.of(warning))).isEmpty();
        assertThat(policy.takeNew(List.of(warning, panic))).containsExactly(panic);
        assertThat(policy.fails(panic)).isTrue();
        assertThat(policy.fails(warning)).isFalse();
        assertThat(ReportPolicy.none().fails(panic)).isFalse();
    }

    @Test
    void aReportIsJudgedOnceAlsoWhenTheKernelLogsVersionReplacesItOrEarlierOnesArrive() {
        ReportPolicy policy = new ReportPolicy(EnumSet.of(Kind.PANIC));
        KernelReport onConsole = new KernelReport(Kind.WARNING, "w", List.of("a"), 300, Optional.of(Duration.ofSeconds(2)));
        assertThat(policy.takeNew(List.of(onConsole))).containsExactly(onConsole);
        KernelReport inLog = new KernelReport(Kind.WARNING, "w", List.of("a", "b"), 40, Optional.of(Duration.ofSeconds(2)),
                KernelReport.Source.KERNEL_LOG);
        KernelReport earlier = new KernelReport(Kind.BUG, "b", List.of("c"), 12, Optional.of(Duration.ofSeconds(1)),
                KernelReport.Source.KERNEL_LOG);
        assertThat(policy.takeNew(List.of(earlier, inLog))).containsExactly(earlier);
        assertThat(policy.takeNew(List.of(earlier, inLog))).isEmpty();
    }

    private static KernelReport report(Kind kind) {
        return new KernelReport(kind, "t", List.of("line"), 0, Optional.of(Duration.ZERO));
    }
}
