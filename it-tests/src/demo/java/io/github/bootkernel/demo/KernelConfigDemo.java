package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.junit.KernelTest;
import io.github.bootkernel.junit.RequiresKernelConfig;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class KernelConfigDemo {

    // tag::requires-kernel-config[]
    @KernelTest
    @RequiresKernelConfig("KUNIT")
    void printsKunitResults(@BootKernel Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(60), "KTAP version 1");
    }
    // end::requires-kernel-config[]
}
