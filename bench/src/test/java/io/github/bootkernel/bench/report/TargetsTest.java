package io.github.bootkernel.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    }

    @Test
    void withoutMemoryRowsMemoryIsNotMeasured() {
        assertThat(Targets.of(List.of())).singleElement().extracting(Target::verdict).isEqualTo("not measured");
    }
}
