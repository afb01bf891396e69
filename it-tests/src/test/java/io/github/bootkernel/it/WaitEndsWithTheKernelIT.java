package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A wait for a line that a stock kernel never prints ends when the kernel does, not when the
 * wait's timeout passes, and says how it ended: Debian's cloud kernel without an initramfs panics
 * at the VFS mount, well before the 900 s the wait is given.
 */
@ExtendWith(StockKernelHost.class)
class WaitEndsWithTheKernelIT {

    private static final Duration LONG = Duration.ofSeconds(900);

    @Test
    void aWaitForALineEndsWhenTheKernelPanics(@BootKernel(cmdline = "quiet", failOnReports = "none") Guest guest) {
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> assertThat(guest.console()).emitsWithin(LONG, "init: ready"))
                .hasMessageContaining("within 900 s, but none came: the guest ended first (PANIC");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("emitsWithin(900 s) on a kernel without root: failed after %.1f s, at its panic%n",
                took.toNanos() / 1e9);
        assertThat(took).as("the wait, on a guest that panics within its boot").isLessThan(Duration.ofSeconds(300));
        assertThat(guest.console().endReason()).hasValueSatisfying(how -> assertThat(how).startsWith("PANIC"));
    }
}
