package io.github.bootkernel.demo;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.it.StockKernelHost;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StockKernelHost.class)
class KernelLogDemo {

    // tag::kernel-log[]
    @Test
    void seesWhatAQuietConsoleHides(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest)
            throws InterruptedException {
        assertThat(guest.sh("echo '<4>mydriver: falling back to polling' > /dev/kmsg")).succeeds();

        assertThat(guest.kernelLog()).emitsWithin(Duration.ofSeconds(60), "mydriver: falling back");
        assertThat(guest.kernelLog()).atLevel(4).hasNoGaps().containsMessage("falling back to polling");
        assertThat(guest.console()).doesNotContainLineMatching("mydriver");   // quiet: level 4 stays off it
    }
    // end::kernel-log[]
}
