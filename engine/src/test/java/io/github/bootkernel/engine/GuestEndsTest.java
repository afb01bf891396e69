package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.boot.AcpiTables;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How hand-assembled guests end on the real {@code /dev/kvm} (the build machines' PVM KVM too):
 * the end comes from what the machine does, the kernel's lines only say how to read it.
 */
class GuestEndsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** "Promptly": far below the watch's 10 s window and any timeout a test would set. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private Machine start(String name, byte[] code) throws Exception {
        return TinyGuests.boot(dir, name, code);
    }

    @Test
    void haltLineThenAVcpuHaltedWithInterruptsOffIsAPromptPowerOff() throws Exception {
        try (Machine m = start("halt", TinyGuests.printThen("[    1.5] reboot: System halted\r\n",
                TinyGuests.haltForGood()))) {
            long t0 = System.nanoTime();
            GuestExit exit = m.awaitExit(PROMPTLY).orElseThrow(() -> new AssertionError("no end; console "
                    + m.console().lines()));
            System.out.printf("halted for good: ended %.0f ms after start%n", (System.nanoTime() - t0) / 1e6);
            assertThat(exit).isEqualTo(GuestExit.of(GuestExit.Kind.POWEROFF,
                    "reboot: System halted: the vCPU halted with interrupts off"));
        }
    }

    @Test
    void powerDownLineFromAGuestThatRunsOnDoesNotEndIt() throws Exception {
        try (Machine spinning = start("spin", TinyGuests.printThen("reboot: Power down\r\n", TinyGuests.SPIN));
             Machine idle = start("idle", TinyGuests.printThen("reboot: System halted\r\n", TinyGuests.idle()))) {
            assertThat(spinning.awaitExit(Duration.ofSeconds(1))).as("spinning after the line").isEmpty();
            assertThat(idle.awaitExit(Duration.ofMillis(100))).as("idle, interrupts on, after the line").isEmpty();
            assertThat(spinning.console().lines()).containsExactly("reboot: Power down");
        }
    }

    @Test
    void aHaltWithoutTheKernelsLineIsLeftAlone() throws Exception {
        try (Machine m = start("hlt", TinyGuests.haltForGood())) {
            assertThat(m.awaitExit(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void endOfPanicLineAloneDoesNotEndTheGuest() throws Exception {
        try (Machine m = start("fake-panic", TinyGuests.printThen(
                "---[ end Kernel panic - not syncing: fake ]---\r\n", TinyGuests.SPIN))) {
            assertThat(m.awaitExit(Duration.ofSeconds(1))).isEmpty();
        }
    }

    @Test
    void acpiSoftOffThroughTheSleepControlRegisterIsAPowerOff() throws Exception {
        int slpTypS5 = AcpiTables.S5_SLEEP_TYPE << 2 | 0x20;
        try (Machine m = start("s5", TinyGuests.outByte(AcpiTables.SLEEP_CONTROL_PORT, slpTypS5))) {
            assertThat(m.awaitExit(PROMPTLY)).contains(GuestExit.of(GuestExit.Kind.POWEROFF,
                    "ACPI S5 (soft off) through the sleep control register"));
        }
    }

    @Test
    void restartLineThenTripleFaultIsAnOrderlyReset() throws Exception {
        try (Machine m = start("reboot-t", TinyGuests.printThen("[    2.0] reboot: Restarting system\r\n",
                TinyGuests.tripleFault()))) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.RESET);
            assertThat(exit.detail()).isEqualTo("triple fault after 'reboot: Restarting system' (the kernel's reboot=t reset)");
        }
    }

    @Test
    void unpackFailureThenResetIsAFailedBoot() throws Exception {
        try (Machine m = start("unpack", TinyGuests.printThen(
                "Initramfs unpacking failed: invalid magic at start of compressed archive\r\n",
                TinyGuests.i8042Reset()))) {
            GuestExit exit = m.awaitExit(WAIT).orElseThrow();
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.BOOT_FAILED);
            assertThat(exit.isClean()).isFalse();
            assertThat(exit.detail()).isEqualTo("Initramfs unpacking failed: invalid magic at start of compressed"
                    + " archive; then RESET: i8042 reset");
        }
    }
}
