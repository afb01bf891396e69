package io.github.bootkernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(StockKernelHost.class)
class WithoutJUnitDemo {

    @Test
    void bootsTalksAndEnds(@TempDir Path dir) throws Exception {
        Path kernel = Catalog.DEBIAN_CLOUD.get().path();
        Path initramfs = BusyboxInitramfs.create().withExitStatusHelper().build().writeTo(dir.resolve("busybox.cpio"));
        assertThat(withoutJUnit(kernel, initramfs)).isEqualTo(new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, ""));
    }

    static GuestExit withoutJUnit(Path kernel, Path initramfs) throws InterruptedException {
        // tag::without-junit[]
        try (Machine machine = Machine.start(MachineConfig.builder(kernel).initrd(initramfs).build())) {
            machine.console().awaitLine(Pattern.compile("init: ready"), Duration.ofSeconds(60)).orElseThrow();
            machine.sendInput("/bin/exit-status 3\n");
            GuestExit exit = machine.awaitExit(Duration.ofSeconds(60)).orElseThrow();
            // end::without-junit[]
            return exit;
            // tag::without-junit[]
        }
        // end::without-junit[]
    }
}
