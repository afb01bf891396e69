package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A machine's boot phases, on a hand-assembled guest and the real {@code /dev/kvm}. */
class MachineBootPhasesTest {

    @TempDir
    Path dir;

    @Test
    void everyPhaseInOrder() throws Exception {
        Path kernel = TinyGuests.write(dir, "phases", TinyGuests.printThenExit(
                "[    0.5] Run /init as init process\r\ninit: ready\r\n", 0));
        try (Machine m = Machine.start(MachineConfig.builder(kernel).memoryMiB(32).readyLine("^init: ready$").build())) {
            m.awaitExit(Duration.ofSeconds(20)).orElseThrow();
            BootPhases phases = m.bootPhases();
            System.out.println("hand-assembled guest: " + phases);
            assertThat(phases.monitorReady()).isPositive();
            assertThat(phases.firstConsoleByte().orElseThrow()).isGreaterThanOrEqualTo(phases.monitorReady());
            assertThat(phases.runInit().orElseThrow()).isGreaterThanOrEqualTo(phases.firstConsoleByte().orElseThrow());
            assertThat(phases.readyLine().orElseThrow()).isGreaterThanOrEqualTo(phases.runInit().orElseThrow());
            assertThat(phases.end().orElseThrow()).isGreaterThanOrEqualTo(phases.readyLine().orElseThrow());
        }
    }

    @Test
    void aRunningGuestHasNoEndYet() throws Exception {
        Machine m = TinyGuests.boot(dir, "spin", TinyGuests.SPIN);
        try {
            assertThat(m.bootPhases().end()).isEmpty();
            assertThat(m.bootPhases().firstConsoleByte()).isEmpty();
            assertThat(m.bootPhases().toString()).startsWith("monitor ready ");
        } finally {
            m.close();
        }
        assertThat(m.bootPhases().end()).isPresent();
    }

    @Test
    void aBadReadyPatternIsRefusedWithTheConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MachineConfig.builder(dir.resolve("k"))
                .readyLine("init: (ready").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("init: (ready");
    }
}
