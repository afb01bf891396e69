package io.github.bootkernel.junit;

import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.KvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Decides what a test does when KVM cannot be used: abort (skipped with the reason) by default,
 * fail when KVM is required ({@code bootkernel.requireKvm=true}, or {@code CI=true} in the
 * environment), so that a CI run cannot go green without running a guest.
 */
final class KvmCheck {

    /** Loaded on hosts whose {@code /dev/kvm} is PVM, which boots only PVM-enabled kernels at speed. */
    private static final Path PVM_MODULE = Path.of("/sys/module/kvm_pvm");

    private KvmCheck() {
    }

    /**
     * Opens and closes the configured KVM device, which checks that it exists, is accessible and
     * offers what the engine needs.
     *
     * @param what the guests that need KVM, for the message
     * @throws TestAbortedException if KVM is unusable and not required
     * @throws IllegalStateException if KVM is unusable and required
     */
    static void require(ExtensionContext context, String what) {
        Path device = Settings.kvmDevice(context);
        try {
            Kvm.open(device).close();
        } catch (KvmException e) {
            if (Settings.requireKvm(context)) {
                throw new IllegalStateException("KVM is required (" + Settings.REQUIRE_KVM + "=true or CI=true) but "
                        + "unusable, so " + what + " cannot boot: " + e.getMessage(), e);
            }
            throw new TestAbortedException("KVM is unusable, so " + what + " cannot boot: " + e.getMessage()
                    + " (set " + Settings.REQUIRE_KVM + "=true to fail instead of abort)", e);
        }
    }

    /**
     * Explains a guest that made no progress on a PVM host, where stock kernels crawl in
     * instruction emulation.
     *
     * @return a sentence to append to a boot-timeout message, or {@code ""} elsewhere
     */
    static String pvmHint() {
        return Files.exists(PVM_MODULE)
                ? " Note: this host's /dev/kvm is PVM (module kvm_pvm is loaded): it runs small guests and"
                        + " PVM-enabled kernels, but a stock Linux kernel crawls in instruction emulation there and"
                        + " does not boot in time; run such kernels on hardware KVM (Intel VT-x or AMD-V)."
                : "";
    }
}
