package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every Linux kernel id of the kernels module boots to the busybox initramfs' /init. */
@ExtendWith(StockKernelHost.class)
class KernelIdsIT {

    private static final Duration BOOT = Duration.ofSeconds(120);

    @Test
    void tinyBootsToInit(@BootKernel(kernel = "tiny", initramfs = "busybox", awaitLine = "init: ready",
            bootTimeout = 120) Guest guest) {
        assertThat(guest.console()).containsLineMatching("Linux version 6\\.1").doesNotContainPanic();
        guest.sendLine("/bin/exit-status 5");
        assertThat(guest).endsWithin(BOOT).exitedWith(5);
    }

    @Test
    void tinyKunitPrintsKtap(@BootKernel(kernel = "tiny-kunit", cmdline = "loglevel=7", bootTimeout = 300,
            timeout = 600, failOnReports = "none") Guest guest) {
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(300), "^(\\[[ .0-9]+\\] )?KTAP version 1");
        assertThat(guest.console()).emitsWithin(Duration.ofSeconds(300), "^(\\[[ .0-9]+\\] )?1\\.\\.\\d+$");
        // no initramfs: after the tests the kernel panics for want of a root file system
        assertThat(guest).endsWithin(Duration.ofSeconds(300)).panicked();
        assertThat(guest.console()).doesNotContainLineMatching("^(\\[[ .0-9]+\\] )?not ok ");
    }

    @Test
    void debianGenericReportsStatusThroughDevPort(@BootKernel(kernel = "debian-generic", initramfs = "busybox",
            cmdline = "quiet", awaitLine = "init: ready", bootTimeout = 120) Guest guest) {
        // the generic kernel has CONFIG_DEVPORT: userspace can write port 0xf4 without a helper
        guest.sendLine("printf '\\003' | dd of=/dev/port bs=1 seek=244 count=1");
        assertThat(guest).endsWithin(BOOT).exitedWith(3);
    }
}
