package io.github.bootkernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The samples of {@code kernels/README.md}: images built, then booted on {@code tiny}. */
@ExtendWith(StockKernelHost.class)
class InitramfsDemo {

    @TempDir
    Path dir;

    @Test
    void buildsAnImageFileByFile() throws Exception {
        // tag::builder[]
        Path image = Initramfs.create()
                .file("/bin/busybox", Catalog.BUSYBOX_STATIC.get().path(), 0755)  // parents created implicitly
                .symlink("/bin/sh", "busybox")
                .script("/init", "#!/bin/sh\n/bin/busybox echo hello\n")
                .gzip(true)
                .writeTo(dir.resolve("initramfs.cpio.gz"));
        // end::builder[]
        try (Machine machine = Machine.start(MachineConfig.builder(Catalog.TINY.get().path()).initrd(image).build())) {
            assertThat(machine.console().awaitLine(line -> line.equals("hello"), Duration.ofSeconds(60))).isPresent();
        }
        assertThat(Files.size(image)).isPositive();
    }

    @Test
    void buildsTheBusyboxImageWithItsHelper() throws Exception {
        // tag::busybox[]
        Initramfs image = BusyboxInitramfs.create()
                .withExitStatusHelper()                       // adds /bin/exit-status
                .initBody("echo hello\n/bin/exit-status 3\n")  // writes 3 to port 0xf4
                .build();                                     // an Initramfs; add more files if needed
        // end::busybox[]
        Path file = image.writeTo(dir.resolve("busybox.cpio"));
        try (Machine machine = Machine.start(MachineConfig.builder(Catalog.TINY.get().path()).initrd(file).build())) {
            assertThat(machine.awaitExit(Duration.ofSeconds(60))).contains(new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, ""));
            assertThat(machine.console().lines()).contains("hello");
        }
    }
}
