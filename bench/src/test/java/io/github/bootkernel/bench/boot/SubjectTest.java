package io.github.bootkernel.bench.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectTest {

    @Test
    void aSubjectReadsBackFromItsText() {
        Subject s = new Subject(Monitor.QEMU_MICROVM, "debian-cloud", 4);
        assertThat(s.toString()).isEqualTo("QEMU -M microvm, debian-cloud, 4 vCPU");
        assertThat(Subject.parse(s.toString())).contains(s);
    }

    @Test
    void otherTextIsNoSubject() {
        assertThat(Subject.parse("QEMU -M pc (a process per test), tiny, 1 vCPU")).isEmpty();
        assertThat(Subject.parse("bootkernel warm JVM, tiny")).isEmpty();
        assertThat(Subject.parse("bootkernel CLI, tiny, many vCPU")).isEmpty();
    }

    @Test
    void anUnknownMonitorIsNamed() {
        assertThatThrownBy(() -> Monitor.ofLabel("Firecracker")).hasMessage("no monitor is called 'Firecracker'");
    }

    @Test
    void repetitionsTurnTheSubjectsOrder() {
        List<String> s = List.of("a", "b", "c");
        assertThat(Boots.rotated(s, 0)).containsExactly("a", "b", "c");
        assertThat(Boots.rotated(s, 1)).containsExactly("b", "c", "a");
        assertThat(Boots.rotated(s, 5)).containsExactly("c", "a", "b");
    }
}
