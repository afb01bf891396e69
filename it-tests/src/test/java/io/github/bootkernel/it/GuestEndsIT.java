package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.cli.ExitCodes;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How real kernels end: from what the machine does, read in the light of what the kernel said.
 * One shared Debian cloud guest (ACPI) for the lines a program prints and for {@code poweroff};
 * {@code tiny} (no ACPI, cheap to boot) where the kernel's own path matters.
 */
@ExtendWith(StockKernelHost.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestEndsIT {

    private static final Duration BOOT = Duration.ofMinutes(3);
    /** Far below the guests' lifetime limit: ending within it means the end was taken at once. */
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready", bootTimeout = 180)
    static Guest debian;

    @TempDir
    Path dir;

    @Test
    @Order(1)
    void aProgramPrintingTheKernelsEndTextsDoesNotEndTheGuest() throws InterruptedException {
        long from = debian.console().lineCount();
        debian.sendLine("echo 'reboot: Power down'; echo '[   12.5] reboot: System halted';"
                + " echo '---[ end Kernel panic - not syncing: fake ]---'; echo 'reboot: Restarting system'");
        debian.sendLine("sleep 2; echo alive-$((6 * 7))");
        assertThat(debian.console().awaitLine(line -> line.equals("alive-42"), PROMPTLY, from))
                .as("console:\n%s", debian.console().text()).contains("alive-42");
        assertThat(debian.console().lines().subList((int) from, (int) debian.console().lineCount()))
                .contains("reboot: Power down", "---[ end Kernel panic - not syncing: fake ]---");
        assertThat(debian.exit()).isEmpty();
    }

    @Test
    @Order(2)
    void poweroffEndsPromptlyThroughAcpi() throws InterruptedException {
        long t0 = System.nanoTime();
        debian.sendLine("poweroff -f");
        assertThat(debian).endsWithin(PROMPTLY).poweredOff();
        System.out.printf("debian-cloud poweroff -f: %s after %.2f s%n", debian.exit().orElseThrow(),
                (System.nanoTime() - t0) / 1e9);
        assertThat(debian.exit().orElseThrow().detail()).contains("ACPI S5");
    }

    @Test
    void poweroffOnAKernelWithoutAcpiIsAHaltForGood() throws Exception {
        try (Machine machine = Machine.start(tiny(initramfs("echo powering-off\npoweroff -f\n"), "quiet"))) {
            awaitLine(machine, "powering-off");
            long t0 = System.nanoTime();
            GuestExit exit = machine.awaitExit(PROMPTLY).orElseThrow(() -> new AssertionError(
                    "no end after poweroff -f; console tail:\n" + String.join("\n", machine.console().tail(20))));
            System.out.printf("tiny poweroff -f: %s %.2f s after the line%n", exit, (System.nanoTime() - t0) / 1e9);
            assertThat(exit).isEqualTo(new GuestExit(GuestExit.Kind.POWEROFF, -1,
                    "reboot: System halted: the vCPU halted with interrupts off"));
        }
    }

    @Test
    void rebootWithRebootTIsAResetAndTheToolWouldExitWith0() throws Exception {
        // Through the engine, not a second JVM: a cold JVM in the nested VM costs a minute here, and
        // CommandLineToolIT already runs the tool; ExitCodes is what the tool returns.
        try (Machine machine = Machine.start(tiny(initramfs("echo rebooting\n"), "quiet reboot=t"))) {
            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();
            System.out.printf("tiny reboot=t, reboot -f: %s, exit status %d%n", exit, ExitCodes.of(exit));
            assertThat(machine.console().lines()).anyMatch(l -> l.contains("reboot: Restarting system"));
            assertThat(exit).isEqualTo(new GuestExit(GuestExit.Kind.RESET, -1,
                    "triple fault after 'reboot: Restarting system' (the kernel's reboot=t reset)"));
            assertThat(ExitCodes.of(exit)).isEqualTo(ExitCodes.CLEAN);
        }
    }

    @Test
    void aBootWhoseInitramfsFailedToUnpackIsNeverClean() throws Exception {
        // A good archive with junk after it: the kernel unpacks /init, reports the failure, and
        // /init runs and reboots, which would otherwise be a clean reset.
        Path image = initramfs("echo init-ran-anyway\n");
        Files.write(image, "JUNK, NOT AN ARCHIVE".repeat(64).getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.APPEND);
        try (Machine machine = Machine.start(tiny(image, "quiet"))) {
            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();
            System.out.printf("tiny with a corrupt initramfs: %s%n", exit);
            assertThat(machine.console().lines()).anyMatch(l -> l.contains("Initramfs unpacking failed"))
                    .anyMatch(l -> l.contains("init-ran-anyway"));
            assertThat(exit.kind()).as("%s", exit).isEqualTo(GuestExit.Kind.BOOT_FAILED);
            assertThat(exit.isClean()).isFalse();
            assertThat(exit.detail()).startsWith("Initramfs unpacking failed: invalid magic at start of compressed"
                    + " archive; then RESET");
        }
    }

    @Test
    void aTripleFaultOnAmdSaysTheRegistersAreLostInsteadOfPrintingThem(
            @BootKernel(kernel = "probe", cmdline = "probe.triple") Guest probe) throws Exception {
        GuestExit exit = probe.awaitExit(PROMPTLY);
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.TRIPLE_FAULT);
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        System.out.printf("probe.triple on a CPU with %s: %s%n", flags.contains(" svm") ? "SVM" : "VT-x", exit);
        if (flags.contains(" svm")) {
            assertThat(exit.detail()).contains("power-on state").doesNotContain("rax=");
        } else {
            assertThat(exit.detail()).contains("rip=").doesNotContain("power-on state");
        }
    }

    /** The {@code tiny} kernel with an initramfs and words after the default command line. */
    private static MachineConfig tiny(Path initramfs, String cmdline) {
        return MachineConfig.builder(Catalog.TINY.get().path()).initrd(initramfs).appendCmdline(cmdline)
                .timeout(BOOT).build();
    }

    /** The busybox image with {@code body} as its /init's body (/init reboots when it returns). */
    private Path initramfs(String body) throws IOException {
        return BusyboxInitramfs.create().withExitStatusHelper().initBody(body).build()
                .writeTo(Files.createTempFile(dir, "initramfs", ".cpio"));
    }

    private static void awaitLine(Machine machine, String line) throws InterruptedException {
        machine.console().awaitLine(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(line)), BOOT)
                .orElseThrow(() -> new AssertionError("no '" + line + "'; console tail:\n"
                        + String.join("\n", machine.console().tail(30))));
    }
}
