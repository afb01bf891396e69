package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class KernelReportsDemo {

    // tag::kernel-reports[]
    @Test
    void dropsCachesWithoutAKernelReport(@BootKernel(initramfs = "busybox") Guest guest) throws InterruptedException {
        assertThat(guest.sh("sync && echo 3 > /proc/sys/vm/drop_caches")).succeeds();
        assertThat(guest).allowingKernelReportsTitled("WARNING in my_driver_.*").hasNoKernelReports();
    }
    // end::kernel-reports[]
}
