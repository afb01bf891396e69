package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's examples, run against Debian's stock cloud kernel (the extension's default kernel)
 * with the busybox initramfs.
 */
@ExtendWith(StockKernelHost.class)
class ReadmeExamplesIT {

    @Test
    void printsBannerAndReachesInit(@BootKernel(initramfs = "busybox", cmdline = "quiet") Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(60), "init: ready");
        assertThat(guest.console()).doesNotContainPanic();
    }

    @Test
    void reportsItsExitStatus(@BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready")
                              Guest guest) {
        guest.sendLine("/bin/exit-status 3");
        assertThat(guest).endsWithin(Duration.ofSeconds(60)).exitedWith(3);
    }

    @Test
    void aKernelWithoutRootPanics(@BootKernel(cmdline = "quiet") Guest guest) {
        assertThat(guest).endsWithin(Duration.ofSeconds(120)).panicked();
        assertThat(guest.console()).containsLineMatching("Kernel panic - not syncing: VFS");
    }
}
