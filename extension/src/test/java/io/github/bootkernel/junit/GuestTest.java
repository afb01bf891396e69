package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.MachineConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The guest view and the guest assertions on real guests: the probe, a tiny bzImage test double
 * (not Linux) driven by its command line, which boots in milliseconds on any KVM.
 */
class GuestTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void bootsWithTheDefaultCommandLinePlusTheAnnotatedWords(
            @BootKernel(kernel = "probe", cmdline = "probe.exit=0", memory = 64) Guest guest) {
        assertThat(guest.kernelName()).isEqualTo("probe");
        assertThat(guest.config().cmdline()).isEqualTo(MachineConfig.DEFAULT_CMDLINE + " probe.exit=0");
        assertThat(guest.config().memoryMiB()).isEqualTo(64);
        assertThat(guest.config().timeout()).contains(Duration.ofSeconds(300));
        assertThat(guest.console()).emitsWithin(WAIT, "^probe: cmdline=console=ttyS0 .* probe.exit=0$");
    }

    @Test
    void sendsInputToTheSerialPort(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready")
            Guest guest) throws InterruptedException {
        guest.sendLine("hello guest");
        assertThat(guest.console()).emitsWithin(WAIT, "^hello guest$");
        guest.send(new byte[] {'x', 'y', '\n'});
        assertThat(guest.console()).emitsWithin(WAIT, "^xy$");
        guest.send("\u0004");

        assertThat(guest.awaitExit(WAIT)).isEqualTo(new GuestExit(GuestExit.Kind.EXIT_STATUS, 0, ""));
        assertThat(guest).exitedWith(0);
        assertThat(guest.exit()).isPresent();
    }

    @Test
    void awaitExitFailsWithTheConsoleTailWhileTheGuestRuns(
            @BootKernel(kernel = "probe", cmdline = "probe.hlt", awaitLine = "probe: ready") Guest guest) {
        assertThatThrownBy(() -> guest.awaitExit(Duration.ofMillis(100)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith(guest + " did not end within PT0.1S")
                .hasMessageContaining("  | probe: ready");
    }

    @Test
    void exitedWithComparesTheStatus(@BootKernel(kernel = "probe", cmdline = "probe.exit=3") Guest guest) {
        assertThat(guest).endsWithin(WAIT).exitedWith(3).endedWith(GuestExit.Kind.EXIT_STATUS);
        assertThatThrownBy(() -> assertThat(guest).exitedWith(0))
                .hasMessageStartingWith("Expecting " + guest + " to exit with status 0, but it ended with exit status 3.")
                .hasMessageContaining("  | probe: ready");
        assertThatThrownBy(() -> assertThat(guest).panicked())
                .hasMessageStartingWith("Expecting " + guest + " to end with PANIC, but it ended with exit status 3.");
    }

    @Test
    void wasResetAfterAnI8042Reset(@BootKernel(kernel = "probe", cmdline = "probe.reset") Guest guest) {
        assertThat(guest).endsWithin(WAIT).wasReset();
    }

    @Test
    void wasResetFailsForATripleFault(@BootKernel(kernel = "probe", cmdline = "probe.triple") Guest guest) {
        assertThat(guest).endsWithin(WAIT).endedWith(GuestExit.Kind.TRIPLE_FAULT);
        assertThatThrownBy(() -> assertThat(guest).wasReset())
                .hasMessageStartingWith("Expecting " + guest + " to end with RESET, but it ended with TRIPLE_FAULT");
    }

    @Test
    void wasResetAfterTheRestartLineAndATripleFault(
            @BootKernel(kernel = "probe", cmdline = "probe.triple reboot: Restarting system") Guest guest) {
        // The probe prints its command line, so the kernel's restart line is on the console before
        // the triple fault: Linux's reboot=t.
        assertThat(guest).endsWithin(WAIT).wasReset();
        assertThat(guest.exit().orElseThrow().isClean()).isTrue();
    }

    @Test
    void poweredOffWhenTheVcpuHaltsForGoodAfterTheHaltLine(
            @BootKernel(kernel = "probe", cmdline = "probe.hlt reboot: System halted") Guest guest) {
        assertThat(guest).endsWithin(WAIT).poweredOff();
        assertThatThrownBy(() -> assertThat(guest).wasReset())
                .hasMessageStartingWith("Expecting " + guest + " to end with RESET, but it ended with POWEROFF: "
                        + "reboot: System halted: the vCPU halted with interrupts off.");
    }

    @Test
    void poweredOffFailsForAGuestThatOnlyPrintsThePowerDownLine(
            @BootKernel(kernel = "probe", cmdline = "probe.exit=0 reboot: Power down") Guest guest) {
        assertThat(guest).endsWithin(WAIT).exitedWith(0);
        assertThatThrownBy(() -> assertThat(guest).poweredOff())
                .hasMessageStartingWith("Expecting " + guest + " to end with POWEROFF, but it ended with exit status 0.");
    }

    @Test
    void panickedWhenThePanicLineWasPrinted(
            @BootKernel(kernel = "probe", cmdline = "probe.reset Kernel panic - not syncing: simulated") Guest guest) {
        // The probe prints its command line, so the panic line is on the console before the reset.
        assertThat(guest).endsWithin(WAIT).panicked();
        assertThatThrownBy(() -> assertThat(guest.console()).doesNotContainPanic())
                .hasMessageContaining("line 1: probe: cmdline=");
    }

    @Test
    void checksOnTheEndFailWhileTheGuestRuns(@BootKernel(kernel = "probe", cmdline = "probe.spin") Guest guest) {
        assertThatThrownBy(() -> assertThat(guest).exitedWith(0))
                .hasMessageStartingWith("Expecting " + guest + " to exit with status 0, but it still runs (wait for"
                        + " its end with endsWithin(Duration) first).");
        assertThatThrownBy(() -> assertThat(guest).endsWithin(Duration.ofMillis(100)))
                .hasMessageStartingWith("Expecting " + guest + " to end within 100 ms, but it still runs.");
    }

    @Test
    void lifetimeLimitEndsAHangingGuest(@BootKernel(kernel = "probe", cmdline = "probe.hlt", timeout = 1) Guest guest) {
        assertThat(guest).endsWithin(WAIT).endedWith(GuestExit.Kind.TIMEOUT);
    }
}
