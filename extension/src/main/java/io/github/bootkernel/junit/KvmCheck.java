package io.github.bootkernel.junit;

import io.github.bootkernel.engine.KvmAvailability;
import io.github.bootkernel.engine.KvmUnavailableException;
import io.github.bootkernel.engine.MachineConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Decides what a test does when KVM cannot be used: abort (skipped with the reason) by default,
 * fail when KVM is required ({@code bootkernel.requireKvm=true}, or {@code CI=true} in the
 * environment), so that a CI run cannot go green without running a guest. The finding comes from
 * the engine's one probe, {@link KvmAvailability}.
 */
final class KvmCheck {

    private KvmCheck() {
    }

    /**
     * Probes the configured KVM device.
     *
     * @param what the guests that need KVM, for the message
     * @throws TestAbortedException if KVM is unusable and not required
     * @throws IllegalStateException if KVM is unusable and required
     */
    static void require(ExtensionContext context, String what) {
        KvmAvailability kvm = KvmAvailability.probe(Settings.kvmDevice(context));
        if (!kvm.usable()) {
            throw unusable(context, what, kvm, null);
        }
    }

    /**
     * The failure for a machine that could not start because KVM is unusable (the probe passed,
     * but opening the device for the machine did not).
     *
     * @param what the guests that need KVM, for the message
     * @param e the engine's report
     * @return a {@link TestAbortedException} if KVM is not required, else an
     *     {@link IllegalStateException}
     */
    static RuntimeException unusable(ExtensionContext context, String what, KvmUnavailableException e) {
        return unusable(context, what, e.availability(), e);
    }

    private static RuntimeException unusable(ExtensionContext context, String what, KvmAvailability kvm,
                                             Throwable cause) {
        if (Settings.requireKvm(context)) {
            return new IllegalStateException("KVM is required (" + Settings.REQUIRE_KVM + "=true or CI=true) but "
                    + "unusable, so " + what + " cannot boot: " + kvm.detail(), cause);
        }
        return new TestAbortedException("KVM is unusable, so " + what + " cannot boot: " + kvm.detail()
                + " (set " + Settings.REQUIRE_KVM + "=true to fail instead of abort)", cause);
    }

    /**
     * Explains a guest that made no progress on a PVM host, where stock kernels crawl in
     * instruction emulation. Probes the default device: the hint is about the host.
     *
     * @return a sentence to append to a boot-timeout message, or {@code ""} elsewhere
     */
    static String pvmHint() {
        KvmAvailability kvm = KvmAvailability.probe(MachineConfig.DEFAULT_KVM_DEVICE);
        return kvm.status() == KvmAvailability.Status.PVM ? " Note: " + kvm.detail() + "." : "";
    }
}
