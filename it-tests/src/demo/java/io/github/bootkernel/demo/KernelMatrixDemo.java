package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.junit.KernelTest;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class KernelMatrixDemo {

    // tag::kernel-test[]
    @KernelTest
    void bootsEveryConfiguredKernel(@BootKernel(initramfs = "busybox") Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(60), "init: ready");
        assertThat(guest.console()).doesNotContainPanic();
    }
    // end::kernel-test[]
}
