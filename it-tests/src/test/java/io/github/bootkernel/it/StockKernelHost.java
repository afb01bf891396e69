package io.github.bootkernel.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can boot a stock kernel: it needs a {@code /dev/kvm} backed by hardware
 * virtualization. The build machines' PVM {@code /dev/kvm} cannot (their CI runs these tests inside
 * a nested VM); there the tests abort with the reason, except under {@code CI=true}, where they
 * run and fail rather than let CI go green without booting anything.
 */
final class StockKernelHost {

    private StockKernelHost() {
    }

    static void assumeStockKernelsBoot() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return;
        }
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
        Assumptions.assumeFalse(Files.exists(Path.of("/sys/module/kvm_pvm")),
                "/dev/kvm is PVM (kvm_pvm), which cannot boot stock kernels; run inside ../shared/nested-kvm/run");
    }
}
