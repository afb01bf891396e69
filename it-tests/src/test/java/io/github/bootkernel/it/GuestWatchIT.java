package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.BootPhases;
import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real kernel ({@code tiny}, cheap to boot): a guest that goes quiet ends as SILENT naming its
 * last line, with its boot phases; a {@code panic=0} guest, whose kernel spins after its panic
 * report, ends as a panic at the end of the report instead of at its time limit.
 */
@ExtendWith(StockKernelHost.class)
class GuestWatchIT {

    /** Longer than any quiet stretch of tiny's verbose boot in the nested VM. */
    private static final int SILENCE_SECONDS = 15;
    private static final Duration LIFETIME = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aShellThatSleepsEndsAsSilentNamingTheLastLine(@BootKernel(kernel = "tiny", initramfs = "busybox",
            awaitLine = "init: ready", bootTimeout = 120, silenceTimeout = SILENCE_SECONDS) Guest guest) {
        // dmesg -n 1: no kernel message after the line (a loaded nested VM's clocksource watchdog
        // once printed one during the sleep, which then was the last line).
        guest.sendLine("dmesg -n 1; echo going-$((6 * 7)); sleep 600");
        long t0 = System.nanoTime();
        assertThat(guest).endsWithin(Duration.ofSeconds(SILENCE_SECONDS + 60)).endedWith(GuestExit.Kind.SILENT);
        GuestExit exit = guest.exit().orElseThrow();
        BootPhases phases = guest.machine().bootPhases();
        System.out.printf("tiny, sleeping after 'going-42': %s after %.1f s; phases: %s%n", exit,
                (System.nanoTime() - t0) / 1e9, phases);
        assertThat(exit.detail()).matches("no console output for " + SILENCE_SECONDS + " s; the last line,"
                + " [0-9]+\\.[0-9] s ago: 'going-42'");
        assertThat(phases.runInit()).as("not quiet: the kernel's Run /init line").isPresent();
        assertThat(phases.readyLine().orElseThrow()).isGreaterThan(phases.runInit().orElseThrow());
        assertThat(phases.end().orElseThrow()).isGreaterThan(phases.readyLine().orElseThrow()
                .plusSeconds(SILENCE_SECONDS));
    }

    @Test
    void aPanicZeroGuestEndsAtTheEndOfItsPanicReport() throws Exception {
        Path image = BusyboxInitramfs.create().initBody("echo init-exits; exec sh -c 'exit 3'\n").build()
                .writeTo(Files.createTempFile(dir, "initramfs", ".cpio"));
        MachineConfig config = MachineConfig.builder(Catalog.TINY.get().path()).initrd(image)
                .appendCmdline("quiet panic=0").timeout(LIFETIME).build();
        try (Machine machine = Machine.start(config)) {
            GuestExit exit = machine.awaitExit(LIFETIME).orElseThrow();
            double end = machine.bootPhases().end().orElseThrow().toNanos() / 1e9;
            System.out.printf("tiny, panic=0, init exits: %s, %.1f s after the start; console tail:%n%s%n", exit, end,
                    String.join("\n", machine.console().tail(8)));
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.PANIC);
            assertThat(exit.detail()).startsWith("Kernel panic - not syncing: Attempted to kill init!")
                    .endsWith("then '---[ end Kernel panic': the kernel stops there without a reset (panic=0)");
            assertThat(machine.console().lines()).anyMatch(l -> l.contains("init-exits"))
                    .last().asString().contains("---[ end Kernel panic - not syncing: Attempted to kill init!");
            assertThat(end).as("ended at the report's end, not at the %s time limit", LIFETIME)
                    .isLessThan(LIFETIME.toSeconds() / 2.0);
        }
    }
}
