package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Debian's stock cloud kernel (the extension's default kernel) without an initramfs panics at the
 * VFS mount, and the extension reports the guest's end as a panic. (The READMEs' own samples are
 * the demo source set, run alongside.)
 */
@ExtendWith(StockKernelHost.class)
class KernelWithoutRootIT {

    @Test
    void aKernelWithoutRootPanics(@BootKernel(cmdline = "quiet", failOnReports = "none") Guest guest) {
        assertThat(guest).endsWithin(Duration.ofSeconds(120)).panicked();
        assertThat(guest.console()).containsLineMatching("Kernel panic - not syncing: VFS");
    }
}
