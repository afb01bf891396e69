package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.boot.HostCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots hand-assembled guests on the real {@code /dev/kvm}. These need KVM but not a stock kernel,
 * so they run on the build machines' PVM KVM too.
 */
class MachineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Machine start(String name, byte[] code) throws Exception {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, name, code)).memoryMiB(32).build());
    }

    @Test
    void printsAndReportsStatus() throws Exception {
        try (Machine m = start("hello", TinyGuests.printThenExit("hello\r\n", 7))) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(7);
            assertThat(m.console().lines()).containsExactly("hello");
            // each of the 8 port writes is a VM exit, or a write KVM recorded in the coalesced ring
            assertThat(m.exitCount() + m.coalescedWrites()).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void closeStopsASpinningGuestPromptly() throws Exception {
        Machine m = start("spin", TinyGuests.SPIN);
        assertThat(m.awaitExit(Duration.ofMillis(200))).isEmpty();
        long t0 = System.nanoTime();
        m.close();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(millis).as("close() of a spinning guest, in ms").isLessThan(1000);
        assertThat(m.exit().orElseThrow().kind()).isEqualTo(GuestExit.Kind.STOPPED);
        assertThat(m.console().isEnded()).isTrue();
        m.close(); // idempotent
    }

    @Test
    void i8042ResetEndsTheGuest() throws Exception {
        try (Machine m = start("reset", TinyGuests.i8042Reset())) {
            assertThat(m.awaitExit(WAIT).orElseThrow().kind()).isEqualTo(GuestExit.Kind.RESET);
        }
    }

    @Test
    void tripleFaultIsReportedWithRegisters() throws Exception {
        try (Machine m = start("triple", TinyGuests.tripleFault())) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.TRIPLE_FAULT);
            assertThat(exit.detail()).contains("rip=");
        }
    }

    @Test
    void timeoutEndsAGuestThatNeverFinishes() throws Exception {
        Path kernel = TinyGuests.write(dir, "spin", TinyGuests.SPIN);
        try (Machine m = Machine.start(MachineConfig.builder(kernel).memoryMiB(32)
                .timeout(Duration.ofMillis(300)).build())) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.TIMEOUT);
        }
    }

    @Test
    void panicLineThenResetIsAPanic() throws Exception {
        byte[] print = TinyGuests.printThenExit("Kernel panic - not syncing: test\r\n", 0);
        byte[] code = new byte[print.length - 6 + 6];
        System.arraycopy(print, 0, code, 0, print.length - 6);
        System.arraycopy(TinyGuests.i8042Reset(), 0, code, print.length - 6, 6);
        try (Machine m = start("panic", code)) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.PANIC);
            assertThat(exit.detail()).isEqualTo("Kernel panic - not syncing: test");
        }
    }

    @Test
    void badKernelIsATypedErrorNamingTheFile() throws Exception {
        Path junk = Files.write(dir.resolve("junk"), new byte[4096]);
        assertThatThrownBy(() -> Machine.start(MachineConfig.builder(junk).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessageContaining(junk.toString())
                .hasMessageContaining("HdrS");
    }

    @Test
    void missingInitrdIsATypedError() throws Exception {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        Path missing = dir.resolve("nope.cpio");
        assertThatThrownBy(() -> Machine.start(MachineConfig.builder(kernel).initrd(missing).build()))
                .isInstanceOf(BootImageException.class)
                .hasMessage("initrd " + missing + ": no such file");
    }

    @Test
    void consoleAwaitSeesOutput() throws Exception {
        try (Machine m = start("hello", TinyGuests.printThenExit("one\r\ntwo\r\n", 0))) {
            assertThat(m.console().awaitLine(Pattern.compile("two"), WAIT)).contains("two");
        }
    }

    @Test
    void aMissingKvmDeviceIsATypedErrorNamingIt() throws Exception {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        Path device = dir.resolve("no-kvm-here");
        assertThatThrownBy(() -> Machine.start(MachineConfig.builder(kernel).kvmDevice(device).build()))
                .isInstanceOfSatisfying(KvmUnavailableException.class, e -> assertThat(e.availability().status())
                        .isEqualTo(KvmAvailability.Status.ABSENT))
                .hasMessageContaining(device.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aClosedMachineRefusesInputWithATypedErrorAndKeepsItsRecord() throws Exception {
        Machine m = start("hello", TinyGuests.printThenExit("hello\r\n", 0));
        assertThat(m.awaitExit(WAIT)).isPresent();
        m.close();
        assertThatThrownBy(() -> m.sendInput("late"))
                .isInstanceOf(MachineClosedException.class)
                .hasMessage("sendInput: the machine is closed");
        assertThat(m.console().lines()).containsExactly("hello");
        assertThat(m.exit().orElseThrow().kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
        assertThat(m.exitCount()).isPositive();
    }

    @Test
    void aLargeGuestCostsOnlyTheMemoryItTouches() throws Exception {
        long before = residentKiB();
        try (Machine m = Machine.start(MachineConfig.builder(TinyGuests.write(dir, "big", TinyGuests.SPIN))
                .memoryMiB(1024).build())) {
            assertThat(m.awaitExit(Duration.ofMillis(100))).isEmpty();
            long grown = residentKiB() - before;
            assertThat(grown).as("resident memory growth in KiB for a running 1 GiB guest").isLessThan(128 * 1024);
        }
    }

    @Test
    void startAndCloseReleaseEveryDescriptorAndMapping() throws Exception {
        Path kernel = TinyGuests.write(dir, "hello", TinyGuests.printThenExit("x", 0));
        try (Machine warmUp = start("warm", TinyGuests.SPIN)) {
            assertThat(warmUp.awaitExit(Duration.ofMillis(50))).isEmpty();
        }
        long fds = HostCounters.openFds();
        long maps = HostCounters.mappingsBesidesThreadStacks();
        for (int i = 0; i < 20; i++) {
            try (Machine m = Machine.start(MachineConfig.builder(kernel).memoryMiB(32).build())) {
                assertThat(m.awaitExit(WAIT)).isPresent();
            }
        }
        assertThat(HostCounters.openFds()).as("open file descriptors").isLessThanOrEqualTo(fds);
        long mapsAfter = HostCounters.mappingsBesidesThreadStacks();
        // thread stacks and JIT code come and go; 20 leaked guests would leave at least 40 mappings
        assertThat(mapsAfter).as("memory mappings").isLessThan(maps + 20);
    }

    private static long residentKiB() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }
}
