package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(StockKernelHost.class)
class FilesDemo {

    // tag::files[]
    @BootKernel(initramfs = "busybox", files = "src/demo/sh/greet.sh:/usr/bin/greet")
    static Guest guest;

    @Test
    void runsAToolAddedToTheImage() throws InterruptedException {
        assertThat(guest.exec("greet")).succeeds().stdout().isEqualTo("greetings from Linux\n");
    }

    @Test
    void copiesFilesInAndOut(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("app.conf"), "level=3\n");
        guest.copyToGuest(config, "/tmp/app.conf");   // the directory must exist
        assertThat(guest.sh("grep -q level=3 /tmp/app.conf && dmesg > /tmp/dmesg.txt")).succeeds();
        guest.copyFromGuest("/tmp/dmesg.txt", dir.resolve("dmesg.txt"));
        assertThat(dir.resolve("dmesg.txt")).content().contains("Linux version");
    }
    // end::files[]
}
