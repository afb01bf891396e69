package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Boots Debian's stock cloud kernel with the engine alone, no JUnit extension. */
@ExtendWith(StockKernelHost.class)
class DebianCloudBootIT {

    private static final Duration BOOT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void bootsToInitPrintsALineAndReportsStatus3() throws Exception {
        CachedFile kernel = Catalog.DEBIAN_CLOUD.get();
        MachineConfig config = MachineConfig.builder(kernel.path())
                .initrd(Images.helloThenStatus3(dir))
                .timeout(BOOT)
                .build();
        long t0 = System.nanoTime();
        try (Machine machine = Machine.start(config)) {
            String hello = machine.console().awaitLine(Pattern.compile(Pattern.quote(Images.HELLO)), BOOT)
                    .orElseThrow(() -> new AssertionError("no init line; console tail:\n"
                            + String.join("\n", machine.console().tail(30))));
            double toInit = (System.nanoTime() - t0) / 1e9;
            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();
            System.out.printf("debian-cloud %s: init line after %.2f s, ended %s, %d VM exits%n",
                    kernel.version(), toInit, exit, machine.exitCount());
            assertThat(hello).isEqualTo(Images.HELLO);
            assertThat(machine.console().lines()).anyMatch(l -> l.contains("Linux version"));
            assertThat(exit.kind()).as("how the guest ended: %s", exit).isEqualTo(GuestExit.Kind.EXIT_STATUS);
            assertThat(exit.status()).isEqualTo(3);
        }
    }

    @Test
    void withoutAnInitramfsTheVfsPanicIsReportedAsAPanic() throws Exception {
        MachineConfig config = MachineConfig.builder(Catalog.DEBIAN_CLOUD.get().path())
                .appendCmdline("quiet")
                .timeout(BOOT)
                .build();
        try (Machine machine = Machine.start(config)) {
            GuestExit exit = machine.awaitExit(BOOT).orElseThrow();
            assertThat(exit.kind()).as("how the guest ended: %s", exit).isEqualTo(GuestExit.Kind.PANIC);
            assertThat(exit.detail()).contains("Kernel panic - not syncing").contains("VFS");
        }
    }
}
