package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.boot.HostCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Machines with several vCPUs, on the real {@code /dev/kvm} with hand-assembled guests (which run
 * on the build machines' PVM KVM too): vCPU 0 runs the guest, the others wait in their local APIC
 * for a start-up IPI these guests never send. That Linux starts them is the nested VM's
 * {@code SmpIT}'s to show.
 */
class MachineVcpusTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Machine start(String name, byte[] code, int cpus) throws Exception {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, name, code)).memoryMiB(32).cpus(cpus).build());
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {2, 4, 64})
    void vcpuZeroRunsTheGuestWhileTheOthersWaitAndEveryThreadEnds(int cpus) throws Exception {
        try (Machine m = start("hello", TinyGuests.printThenExit("hello\r\n", 7), cpus)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(7);
            assertThat(m.console().lines()).containsExactly("hello");
            assertThat(m.console().isEnded()).as("the console ends once every vCPU stopped").isTrue();
        }
        assertThat(vcpuThreads()).as("vCPU threads left after close()").isEmpty();
    }

    @Test
    void closeStopsEveryVcpuOfASpinningGuestPromptly() throws Exception {
        Machine m = start("spin", TinyGuests.SPIN, 4);
        assertThat(m.awaitExit(Duration.ofMillis(200))).isEmpty();
        assertThat(vcpuThreads()).hasSize(4);
        long t0 = System.nanoTime();
        m.close();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(millis).as("close() of a spinning 4-vCPU guest, in ms").isLessThan(1000);
        assertThat(m.exit().orElseThrow().kind()).isEqualTo(GuestExit.Kind.STOPPED);
        assertThat(vcpuThreads()).isEmpty();
    }

    @Test
    void aCrashSaysWhichVcpuItWasOn() throws Exception {
        try (Machine m = start("triple", TinyGuests.tripleFault(), 2)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.TRIPLE_FAULT);
            assertThat(exit.detail()).startsWith("KVM_EXIT_SHUTDOWN (triple fault) on vCPU 0\n").contains("rip=");
        }
    }

    @Test
    void aHaltWithTheOtherVcpusNeverStartedIsAPowerOff() throws Exception {
        try (Machine m = start("halt", TinyGuests.printThen("[    1.5] reboot: System halted\r\n",
                TinyGuests.haltForGood()), 2)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.POWEROFF);
            assertThat(exit.detail()).isEqualTo("reboot: System halted: every vCPU halted with interrupts off or never started");
        }
    }

    @Test
    void moreVcpusThanTheMachineTakesIsRefusedByTheConfiguration() {
        assertThatThrownBy(() -> MachineConfig.builder(dir.resolve("k")).cpus(MachineConfig.MAX_CPUS + 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cpus must be between 1 and 64, got 65");
        assertThatThrownBy(() -> MachineConfig.builder(dir.resolve("k")).cpus(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cpus must be between 1 and 64, got 0");
    }

    @Test
    void startAndCloseOfManyVcpusReleaseEveryDescriptorAndMapping() throws Exception {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        try (Machine warmUp = start("warm", TinyGuests.SPIN, 4)) {
            assertThat(warmUp.awaitExit(Duration.ofMillis(50))).isEmpty();
        }
        long fds = HostCounters.openFds();
        long maps = HostCounters.mappingsBesidesThreadStacks();
        for (int i = 0; i < 10; i++) {
            try (Machine m = Machine.start(MachineConfig.builder(kernel).memoryMiB(32).cpus(4).build())) {
                assertThat(m.awaitExit(WAIT)).isPresent();
            }
        }
        assertThat(HostCounters.openFds()).as("open file descriptors").isLessThanOrEqualTo(fds);
        // each vCPU has a kvm_run mapping: 10 leaked machines would leave at least 40
        assertThat(HostCounters.mappingsBesidesThreadStacks()).as("memory mappings").isLessThan(maps + 20);
        assertThat(vcpuThreads()).isEmpty();
    }

    @Test
    void aGuestWithRamAboveFourGibCostsTheHostOnlyThePagesTouched() throws Exception {
        try (Machine m = Machine.start(MachineConfig.builder(TinyGuests.write(dir, "big", TinyGuests.SPIN))
                .memoryMiB(6 * 1024).cpus(2).build())) {
            assertThat(m.awaitExit(Duration.ofMillis(100))).isEmpty();
            // The loader wrote the kernel, zero page and tables below 1 MiB and at 1 MiB; with
            // transparent huge pages each touch may cost 2 MiB.
            assertThat(m.residentMemoryBytes()).as("resident bytes of a 6 GiB guest's RAM")
                    .isPositive().isLessThan(16L << 20);
        }
    }

    private static List<String> vcpuThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("bootkernel-vcpu-")).toList();
    }
}
