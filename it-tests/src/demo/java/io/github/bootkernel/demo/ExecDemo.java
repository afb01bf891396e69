package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class ExecDemo {

    // tag::exec[]
    @Test
    void runsCommandsInTheGuest(@BootKernel(initramfs = "busybox") Guest guest) throws InterruptedException {
        assertThat(guest.exec("uname", "-r")).succeeds().stdout().startsWith("6.");
        assertThat(guest.sh("echo out; echo err >&2; exit 7"))
                .exitedWith(7)
                .stderr().isEqualTo("err\n");
    }
    // end::exec[]
}
