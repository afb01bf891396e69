package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
// tag::snapshot[]
class SnapshotDemo {

    @Test
    void writesAFile(@BootKernel(initramfs = "busybox", awaitLine = "init: ready", fromSnapshot = true) Guest guest)
            throws InterruptedException {
        assertThat(guest.sh("echo 1 > /tmp/f && cat /tmp/f")).succeeds().stdout().isEqualTo("1\n");
    }

    @Test
    void seesNoOtherClonesFile(@BootKernel(initramfs = "busybox", awaitLine = "init: ready", fromSnapshot = true)
            Guest guest) throws InterruptedException {
        assertThat(guest.sh("test -e /tmp/f")).exitedWith(1);
    }
}
// end::snapshot[]
