package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.Catalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Input sent right after {@link Machine#start}, long before the guest's shell (or even its serial
 * driver) listens, reaches the shell whole: Linux clears the UART's FIFO while it opens the
 * console, so the monitor holds the bytes until the driver enables receive interrupts.
 */
@ExtendWith(StockKernelHost.class)
class EarlyInputIT {

    private static final Duration BOOT = Duration.ofMinutes(3);

    @Test
    void commandsSentBeforeTheKernelPrintsAnythingRunInTheShellInOrder() throws Exception {
        MachineConfig config = MachineConfig.builder(Catalog.DEBIAN_CLOUD.get().path())
                .initrd(Catalog.BUSYBOX_INITRAMFS.get().path())
                .appendCmdline("quiet")
                .timeout(BOOT)
                .build();
        String commands = "echo early-$((6 * 7))\n/bin/exit-status 7\n";
        try (Machine machine = Machine.start(config)) {
            int accepted = machine.sendInput(commands);
            List<String> beforeSending = machine.console().lines();

            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();

            List<String> console = machine.console().lines();
            System.out.printf("early input: %d console lines before sending, ended %s%n", beforeSending.size(), exit);
            assertThat(accepted).isEqualTo(commands.getBytes(StandardCharsets.UTF_8).length);
            assertThat(beforeSending).as("sent before the shell's ready line").noneMatch(l -> l.contains("init: ready"));
            assertThat(console).as("the first command ran; console:\n%s", String.join("\n", console))
                    .contains("early-42");
            assertThat(exit.kind()).as("the second command ended the guest: %s", exit)
                    .isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(7);
        }
    }
}
