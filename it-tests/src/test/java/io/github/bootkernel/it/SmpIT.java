package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.junit.KernelMatrix;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Debian's stock kernels on a guest with four vCPUs: vCPU 0 boots, the kernel finds the others in
 * the ACPI MADT (and the MP table) and starts them with INIT and start-up IPIs, and userspace sees
 * four processors. One guest per kernel for the class (a static field of a kernel matrix). In the
 * build machines' nested VM the four vCPUs share one emulated CPU.
 */
@ExtendWith(StockKernelHost.class)
@KernelMatrix({"debian-cloud", "debian-generic"})
class SmpIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BootKernel(initramfs = "busybox", cmdline = "quiet", awaitLine = "init: ready", cpus = 4, bootTimeout = 180)
    static Guest guest;

    @Test
    void fourVcpusAreFourProcessorsForTheKernelAndForUserspace() throws InterruptedException {
        assertThat(guest.config().cpus()).isEqualTo(4);
        assertThat(guest.kernelLog()).emitsWithin(WAIT, "^smp: Brought up 1 node, 4 CPUs$");
        assertThat(guest.sh("grep -c '^processor' /proc/cpuinfo")).succeeds().stdout().isEqualTo("4\n");
        assertThat(guest.exec("nproc")).succeeds().stdout().isEqualTo("4\n");
        assertThat(guest.sh("cat /sys/devices/system/cpu/online")).succeeds().stdout().isEqualTo("0-3\n");
    }
}
