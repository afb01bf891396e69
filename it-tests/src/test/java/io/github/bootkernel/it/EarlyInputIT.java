package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.Catalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input sent right after {@link Machine#start}, long before the guest's shell (or even its serial
 * driver) listens, reaches the shell whole: Linux clears the UART's FIFO while it opens the
 * console, so the monitor holds the bytes until the driver enables receive interrupts.
 */
@ExtendWith(StockKernelHost.class)
class EarlyInputIT {

    private static final Duration BOOT = Duration.ofMinutes(3);

    /**
     * Input sent before the kernel prints anything reaches the shell whole and in order, with one
     * vCPU and with four: with several CPUs, the 8250 driver's interrupt handler reads IIR on
     * another CPU while the opening CPU enables the FIFOs (which clears them), which once cost the
     * first byte ("cho early-42") on every boot with 3 or more vCPUs.
     */
    @ParameterizedTest(name = "{0} vCPU(s)")
    @ValueSource(ints = {1, 4})
    void commandsSentBeforeTheKernelPrintsAnythingRunInTheShellInOrder(int cpus) throws Exception {
        MachineConfig config = MachineConfig.builder(Catalog.DEBIAN_CLOUD.get().path())
                .initrd(Catalog.BUSYBOX_INITRAMFS.get().path())
                .appendCmdline("quiet")
                .cpus(cpus)
                .timeout(BOOT)
                .build();
        String commands = "echo early-$((6 * 7))\n/bin/exit-status 7\n";
        try (Machine machine = Machine.start(config)) {
            int accepted = machine.sendInput(commands);
            List<String> beforeSending = machine.console().lines();

            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();

            List<String> console = machine.console().lines();
            System.out.printf("early input, %d vCPU(s): %d console lines before sending, ended %s%n", cpus,
                    beforeSending.size(), exit);
            assertThat(accepted).isEqualTo(commands.getBytes(StandardCharsets.UTF_8).length);
            assertThat(beforeSending).as("sent before the shell's ready line").noneMatch(l -> l.contains("init: ready"));
            assertThat(console).as("the first command ran, whole; console:\n%s", String.join("\n", console))
                    .contains("early-42").noneMatch(l -> l.startsWith("cho early"));
            assertThat(exit.kind()).as("the second command ended the guest: %s", exit)
                    .isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(7);
        }
    }
}
