package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.sections.SnapshotRestore;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

    @Test
    void eachKernelGetsItsThreeRatiosOfMediansAndMemoryComesLast() {
        List<Target> targets = Targets.of(Fixtures.rows());
        assertThat(targets).extracting(Target::name).containsExactly(
                "bootkernel warm JVM / QEMU -M pc, time to init, debian-cloud",
                "bootkernel warm JVM / QEMU -M microvm, time to init, debian-cloud",
                "bootkernel CLI / QEMU -M pc, time to init, debian-cloud",
                "bootkernel warm JVM / QEMU -M pc, time to init, tiny",
                "bootkernel warm JVM / QEMU -M microvm, time to init, tiny",
                "bootkernel CLI / QEMU -M pc, time to init, tiny",
                "memory per guest beyond its touched pages");
        assertThat(targets.get(0).measured().getAsDouble()).isCloseTo(0.2, within(1e-9));
        assertThat(targets.get(0).verdict()).isEqualTo("met");
        assertThat(targets.get(0).basis()).isEqualTo("0.200 s / 1.000 s");
        assertThat(targets.get(1).measured().getAsDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(targets.get(1).verdict()).isEqualTo("met");
        assertThat(targets.get(2).measured().getAsDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(targets.get(3).measured().getAsDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(targets.get(3).verdict()).isEqualTo("not met");
        assertThat(targets.get(4).verdict()).isEqualTo("not measured");
        assertThat(targets.get(5).verdict()).isEqualTo("not measured");
        assertThat(targets.get(6).measured().getAsDouble()).isEqualTo(4.0);
        assertThat(targets.get(6).verdict()).isEqualTo("met");
    }

    @Test
    void aRatioAtTheLimitMeetsIt() {
        assertThat(new Target("t", java.util.OptionalDouble.of(0.3), 0.3, "x", "").verdict()).isEqualTo("met");
        assertThat(new Target("t", java.util.OptionalDouble.of(0.30001), 0.3, "x", "").verdict()).isEqualTo("not met");
        assertThat(new Target("t", java.util.OptionalDouble.of(20.0), 20, "x", "", true).verdict()).isEqualTo("met");
        assertThat(new Target("t", java.util.OptionalDouble.of(19.99), 20, "x", "", true).verdict()).isEqualTo("not met");
    }

    @Test
    void snapshotTargetsComeWithTheSnapshotSectionAndABootMustTakeTwentyTimesAClone() {
        List<Row> rows = List.of(
                snapshot(SnapshotRestore.BOOT_TO_ANSWER, 10.0, 12.0, 8.0),
                snapshot(SnapshotRestore.CLONE_TO_ANSWER, 0.4, 0.5, 0.6),
                snapshot(SnapshotRestore.RESTORE_ALONE, 600.0, 400.0, 500.0),
                snapshot(SnapshotRestore.LEFT_ENGINE, 0.0),
                snapshot(SnapshotRestore.BEYOND_WRITTEN, 0.7));
        List<Target> targets = Targets.of(rows, List.of(SnapshotRestore.NAME));
        assertThat(targets).extracting(Target::verdict).containsExactly("met", "met", "met", "met");
        assertThat(targets.get(1).measured().getAsDouble()).as("10 s / 500 ms").isCloseTo(20.0, within(1e-9));
        assertThat(targets.get(1).basis()).isEqualTo("10.000 s / 500.0 ms");
        assertThat(targets.get(0).measured().getAsDouble()).isCloseTo(20.0, within(1e-9));
        assertThat(targets.get(0).atLeast()).isTrue();
        assertThat(targets.get(0).basis()).isEqualTo("10.000 s / 0.500 s");
        assertThat(Targets.of(rows)).as("sections not known: issue 12's and, with snapshot rows, 13's")
                .extracting(Target::name).hasSize(5).first().asString().startsWith("memory per guest");
        List<Row> slower = List.of(snapshot(SnapshotRestore.BOOT_TO_ANSWER, 9.0),
                snapshot(SnapshotRestore.CLONE_TO_ANSWER, 0.5), snapshot(SnapshotRestore.RESTORE_ALONE, 500.0),
                snapshot(SnapshotRestore.LEFT_ENGINE, 3.0));
        assertThat(Targets.of(slower, List.of(SnapshotRestore.NAME))).extracting(Target::verdict)
                .containsExactly("not met", "not met", "not met", "not measured");
        assertThat(Targets.of(Fixtures.rows(), List.of(SnapshotRestore.NAME))).as("memory did not run")
                .extracting(Target::name).noneMatch(n -> n.startsWith("memory per guest"))
                .anyMatch(n -> n.startsWith("fresh boot / clone"));
    }

    private static Row snapshot(String metric, Double... samples) {
        return new Row(SnapshotRestore.NAME, "bootkernel warm JVM, debian-cloud, 256 MiB, 1 vCPU", metric, "s",
                List.of(samples), "nested KVM", "");
    }

    @Test
    void withoutMemoryRowsMemoryIsNotMeasured() {
        assertThat(Targets.of(List.of())).singleElement().extracting(Target::verdict).isEqualTo("not measured");
    }
}
