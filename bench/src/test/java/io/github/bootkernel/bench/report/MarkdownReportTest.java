package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.sections.SnapshotRestore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    private static final RunInfo INFO = new RunInfo("bench/run --runs 3", List.of("kernel 6.1", "CPU x"),
            "2026-11-30T01:00:00Z", "12.0 min", List.of());

    @Test
    void theBlockNamesTheCommandTheMachineTheTargetsAndTheChart() {
        String md = MarkdownReport.results(Fixtures.rows(), INFO, Optional.of("chart.svg"));
        assertThat(md).contains("Command: `bench/run --runs 3`", "- kernel 6.1\n- CPU x\n",
                "| bootkernel warm JVM / QEMU -M pc, time to init, debian-cloud | 0.200 x | 0.300 x | **met** | 0.200 s / 1.000 s |",
                "| bootkernel warm JVM / QEMU -M pc, time to init, tiny | 0.400 x | 0.300 x | **not met** |",
                "| memory per guest beyond its touched pages | 4.00 MiB | 5.00 MiB | **met** |",
                "![Time to init per monitor and kernel](chart.svg)", "### Time to init", "### Memory");
    }

    @Test
    void eachRowHasMedianRangeCountWhereAndItsRatiosToQemu() {
        String md = MarkdownReport.results(Fixtures.rows(), INFO, Optional.empty());
        assertThat(md).contains(
                "| QEMU -M pc, debian-cloud, 1 vCPU | start to the init line | 1.00 s | 0.900–1.20 s | 3 | – | 2.00x | hardware KVM |  |",
                "| bootkernel CLI, debian-cloud, 1 vCPU | start to the init line | 0.800 s | 0.700–0.900 s | 3 | 0.800x | 1.60x | hardware KVM |  |",
                "| bootkernel warm JVM, tiny, 1 vCPU | start to the init line | 0.400 s | 0.400–0.400 s | 3 | 0.400x | – |");
        assertThat(md).doesNotContain("![");
    }

    @Test
    void aLowerBoundShowsItsSignAndOnlyTheSectionsThatRanGetTargets() {
        List<Row> rows = List.of(
                new Row(SnapshotRestore.NAME, "s", SnapshotRestore.BOOT_TO_ANSWER, "s", List.of(10.0), "nested", ""),
                new Row(SnapshotRestore.NAME, "s", SnapshotRestore.CLONE_TO_ANSWER, "s", List.of(0.25), "nested", ""));
        RunInfo info = new RunInfo("bench/run --sections snapshot-restore --doc docs/snapshots.md", List.of(), "d",
                "1 min", List.of(), List.of(SnapshotRestore.NAME));
        String md = MarkdownReport.results(rows, info, Optional.empty());
        assertThat(md).contains("| fresh boot / clone (restore), to the shell's answer, 256 MiB | 40.0 x | ≥ 20.0 x | **met** |",
                "### Snapshot restore").doesNotContain("memory per guest");
    }

    @Test
    void failedSectionsAreListed() {
        RunInfo failed = new RunInfo("c", List.of(), "d", "1 min", List.of("memory: java.io.IOException: no\nready"));
        assertThat(MarkdownReport.results(List.of(), failed, Optional.empty()))
                .contains("Sections that failed or did not run in this run:\n\n- memory: java.io.IOException: no ready\n");
    }
}
