package io.github.bootkernel.demo;

// tag::boot-test[]
import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
// end::boot-test[]
import io.github.bootkernel.it.StockKernelHost;
import org.junit.jupiter.api.extension.ExtendWith;
// tag::boot-test[]

// end::boot-test[]
@ExtendWith(StockKernelHost.class)
// tag::boot-test[]
class BootTest {

    // tag::first-test[]
    @Test
    void printsBannerAndReachesInit(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(60), "init: ready");
        assertThat(guest.console()).doesNotContainPanic();
    }
    // end::first-test[]
}
// end::boot-test[]
