package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Every reading of a machine's end, from console bytes and exits made up by hand: the end always
 * comes from the machine, the kernel's lines only decide how it is read.
 */
class KernelEventsTest {

    private final AtomicInteger powerDownLines = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KernelEvents events = new KernelEvents(powerDownLines::incrementAndGet, now::get);

    private static final GuestExit I8042_RESET = GuestExit.of(GuestExit.Kind.RESET, "i8042 reset");
    private static final GuestExit TRIPLE = GuestExit.of(GuestExit.Kind.TRIPLE_FAULT,
            "KVM_EXIT_SHUTDOWN (triple fault)\nrip=...");
    private static final GuestExit ACPI_OFF = GuestExit.of(GuestExit.Kind.POWEROFF, "ACPI S5");
    private static final GuestExit STATUS_0 = new GuestExit(GuestExit.Kind.EXIT_STATUS, 0, "");
    private static final GuestExit STATUS_3 = new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, "");

    private void print(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            events.accept(b & 0xff);
        }
    }

    @Test
    void withoutTheKernelsWordsEveryEndIsReadAsTheMachineEndedIt() {
        print("[    0.000000] Linux version 6.1.0\r\nuser output\r\n");
        for (GuestExit end : new GuestExit[] {I8042_RESET, TRIPLE, ACPI_OFF, STATUS_0, STATUS_3,
            GuestExit.of(GuestExit.Kind.TIMEOUT, "no end within PT1S"), GuestExit.of(GuestExit.Kind.STOPPED, "closed"),
            GuestExit.of(GuestExit.Kind.UNHANDLED_EXIT, "x"), GuestExit.of(GuestExit.Kind.VMM_ERROR, "y")}) {
            assertThat(events.classify(end)).isSameAs(end);
        }
        assertThat(powerDownLines).hasValue(0);
    }

    @Test
    void aResetOrTripleFaultAfterAPanicIsThePanic() {
        print("[    1.234567] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n");
        print("[    1.234600] CPU: 0 PID: 1 Comm: swapper\r\n");
        GuestExit panic = GuestExit.of(GuestExit.Kind.PANIC,
                "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
        assertThat(events.classify(I8042_RESET)).isEqualTo(panic);
        assertThat(events.classify(TRIPLE)).isEqualTo(panic);
        assertThat(events.classify(GuestExit.of(GuestExit.Kind.RESET, "KVM system event: reset"))).isEqualTo(panic);
    }

    @Test
    void theFirstPanicLineIsTheOneReported() {
        print("Kernel panic - not syncing: first\nKernel panic - not syncing: second\n");
        assertThat(events.classify(I8042_RESET).detail()).isEqualTo("Kernel panic - not syncing: first");
    }

    @Test
    void aPanicDoesNotTurnOtherEndsIntoPanics() {
        print("Kernel panic - not syncing: printed by a program\r\n");
        assertThat(events.classify(ACPI_OFF)).isSameAs(ACPI_OFF);
        assertThat(events.classify(STATUS_0)).isSameAs(STATUS_0);
        GuestExit internal = GuestExit.of(GuestExit.Kind.INTERNAL_ERROR, "x");
        assertThat(events.classify(internal)).isSameAs(internal);
    }

    @Test
    void theEndOfPanicLineIsNeitherAnEndNorAPanicLine() {
        print("---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000 ]---\r\n");
        assertThat(events.panicLine()).isNull();
        assertThat(events.classify(I8042_RESET)).isSameAs(I8042_RESET);
        assertThat(powerDownLines).hasValue(0);
    }

    @Test
    void aTripleFaultSoonAfterTheRestartLineIsTheOrderlyResetOfRebootT() {
        print("[   12.000000] reboot: Restarting system\r\n");
        now.addAndGet(50_000_000L);
        GuestExit end = events.classify(TRIPLE);
        assertThat(end).isEqualTo(GuestExit.of(GuestExit.Kind.RESET,
                "triple fault after 'reboot: Restarting system' (the kernel's reboot=t reset)"));
        assertThat(end.isClean()).isTrue();
        print("reboot: Restarting system with command 'kexec'\n");
        assertThat(events.classify(TRIPLE).kind()).isEqualTo(GuestExit.Kind.RESET);
    }

    @Test
    void aTripleFaultLongAfterARestartLineIsACrash() {
        print("reboot: Restarting system\r\n");
        now.addAndGet(KernelEvents.RESTART_WINDOW_NANOS + 1);
        assertThat(events.classify(TRIPLE)).isSameAs(TRIPLE);
    }

    @Test
    void aPanicDuringTheRestartIsStillThePanic() {
        print("reboot: Restarting system\nKernel panic - not syncing: in shutdown\n");
        assertThat(events.classify(TRIPLE)).isEqualTo(GuestExit.of(GuestExit.Kind.PANIC,
                "Kernel panic - not syncing: in shutdown"));
    }

    @Test
    void everyCleanEndAfterAFailedUnpackIsAFailedBoot() {
        print("[    0.400000] Initramfs unpacking failed: invalid magic at start of compressed archive\r\n");
        String line = "Initramfs unpacking failed: invalid magic at start of compressed archive";
        assertThat(events.classify(I8042_RESET)).isEqualTo(GuestExit.of(GuestExit.Kind.BOOT_FAILED,
                line + "; then RESET: i8042 reset"));
        assertThat(events.classify(ACPI_OFF)).isEqualTo(GuestExit.of(GuestExit.Kind.BOOT_FAILED,
                line + "; then POWEROFF: ACPI S5"));
        assertThat(events.classify(STATUS_0)).isEqualTo(GuestExit.of(GuestExit.Kind.BOOT_FAILED,
                line + "; then exit status 0"));
        print("reboot: Restarting system\n");
        assertThat(events.classify(TRIPLE).kind()).isEqualTo(GuestExit.Kind.BOOT_FAILED);
        for (GuestExit red : new GuestExit[] {STATUS_3, GuestExit.of(GuestExit.Kind.TIMEOUT, "t"),
            GuestExit.of(GuestExit.Kind.STOPPED, "s")}) {
            assertThat(events.classify(red)).isSameAs(red);
        }
    }

    @Test
    void aPanicAfterAFailedUnpackIsReportedAsThePanic() {
        print("Initramfs unpacking failed: junk within compressed archive\n");
        print("Kernel panic - not syncing: No working init found.\n");
        assertThat(events.classify(I8042_RESET)).isEqualTo(GuestExit.of(GuestExit.Kind.PANIC,
                "Kernel panic - not syncing: No working init found."));
    }

    @Test
    void powerDownAndHaltLinesAskForALookAtTheVcpuAndEndNothing() {
        print("[   30.1] reboot: Power down\r\n");
        assertThat(powerDownLines).hasValue(1);
        assertThat(events.powerDownLine()).isEqualTo("reboot: Power down");
        print("reboot: System halted\n");
        assertThat(powerDownLines).hasValue(2);
        assertThat(events.powerDownLine()).isEqualTo("reboot: System halted");
        assertThat(events.classify(I8042_RESET)).isSameAs(I8042_RESET);
    }

    @Test
    void aLineIsReadOnlyWhenItEnds() {
        print("reboot: Power down");
        assertThat(powerDownLines).hasValue(0);
        print("\r\n");
        assertThat(powerDownLines).hasValue(1);
    }

    @Test
    void aLineBeyondTheBoundIsCutNotHeld() {
        print("x".repeat(1_000_000) + "reboot: Power down\n");
        assertThat(powerDownLines).as("the words past the bound are not read").hasValue(0);
        print("Kernel panic - not syncing: " + "y".repeat(10_000) + "\n");
        assertThat(events.panicLine()).hasSize(KernelEvents.MAX_LINE);
    }

    @Test
    void printksPrefixesAreNotPartOfTheMessage() {
        // Prefixes as Linux 6.1 prints them: timestamp; timestamp and caller (CONFIG_PRINTK_CALLER);
        // a log level as /dev/kmsg writers leave it.
        assertThat(KernelEvents.message("[    1.234567] Kernel panic - not syncing: VFS"))
                .isEqualTo("Kernel panic - not syncing: VFS");
        assertThat(KernelEvents.message("[    2.345678][    T1] Kernel panic - not syncing: Attempted to kill init!"))
                .isEqualTo("Kernel panic - not syncing: Attempted to kill init!");
        assertThat(KernelEvents.message("<0>Kernel panic")).isEqualTo("Kernel panic");
        assertThat(KernelEvents.message("[    3.101500]  <TASK>")).isEqualTo("<TASK>");
        assertThat(KernelEvents.message("<>x")).isEqualTo("<>x");
        assertThat(KernelEvents.message("/ # echo 'Kernel panic - not syncing'"))
                .isEqualTo("/ # echo 'Kernel panic - not syncing'");
        assertThat(KernelEvents.message("[ a bracket that is far too long to be a prefix ] text"))
                .isEqualTo("[ a bracket that is far too long to be a prefix ] text");
        assertThat(KernelEvents.message("[unterminated")).isEqualTo("[unterminated");
        assertThat(KernelEvents.message("")).isEmpty();
    }

    @Test
    void thePanicListenerHearsTheKernelsPanicLineOnceAndTheEndOfItsReport() {
        java.util.List<String> heard = new java.util.ArrayList<>();
        KernelEvents withListener = new KernelEvents(() -> { }, new KernelEvents.PanicListener() {
            @Override
            public void panicSaid(String line) {
                heard.add("panic: " + line);
            }

            @Override
            public void reportEnded() {
                heard.add("end");
            }
        }, now::get);
        // A panic=0 guest, Linux 6.1 (tiny): the line, its trace, the end line; details replaced.
        for (String line : new String[] {
            "/ # echo 'Kernel panic - not syncing: typed at the shell'",
            "---[ end Kernel panic - not syncing: an end line before any panic ]---",
            "[    3.101234] Kernel panic - not syncing: sysrq triggered crash",
            "[    3.101300] CPU: 0 PID: 61 Comm: sh Not tainted 6.1.0 #1",
            "[    3.101400] Call Trace:",
            "[    3.101500]  <TASK>",
            "[    3.101600]  dump_stack_lvl+0x33/0x46",
            "[    3.101700]  panic+0x107/0x2b8",
            "[    3.101800] Kernel panic - not syncing: a second panic",
            "[    3.102000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---"}) {
            for (byte b : (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1)) {
                withListener.accept(b & 0xff);
            }
        }
        assertThat(heard).containsExactly("panic: Kernel panic - not syncing: sysrq triggered crash", "end");
    }

    @Test
    void aGuestThatWentSilentAfterAPanicLinePanicked() {
        GuestExit silent = GuestExit.of(GuestExit.Kind.SILENT, "no console output for 10 s");
        assertThat(events.classify(silent)).isSameAs(silent);
        print("[    1.0] Kernel panic - not syncing: Fatal exception\r\n");
        assertThat(events.classify(silent)).isEqualTo(GuestExit.of(GuestExit.Kind.PANIC,
                "Kernel panic - not syncing: Fatal exception; then SILENT: no console output for 10 s"));
    }
}
