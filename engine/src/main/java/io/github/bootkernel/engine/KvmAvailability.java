package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.KvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Whether this host can run machines, found by opening the KVM device the way
 * {@link Machine#start(MachineConfig)} does (API version and the capabilities the monitor needs,
 * {@code Documentation/virt/kvm/api.rst} section 4.1 to 4.4). The one probe the engine, the JUnit
 * extension, the command-line tool and the integration tests share.
 *
 * <pre>{@code
 * KvmAvailability kvm = KvmAvailability.probe(MachineConfig.DEFAULT_KVM_DEVICE);
 * if (!kvm.usable()) {
 *     System.err.println(kvm.describe());   // "KVM unusable (ABSENT): /dev/kvm does not exist: ..."
 * }
 * }</pre>
 *
 * @param device the device node that was probed
 * @param status what was found
 * @param detail why, in words, for messages: the error, or what the device is
 */
public record KvmAvailability(Path device, Status status, String detail) {

    /**
     * Loaded on hosts whose {@code /dev/kvm} is PVM ("pagetable-based virtual machine"): it runs
     * PVM-enabled kernels and small guests, but a stock kernel crawls in instruction emulation.
     */
    static final Path PVM_MODULE = Path.of("/sys/module/kvm_pvm");

    /** What a probe can find. */
    public enum Status {
        /** Hardware-backed KVM (Intel VT-x or AMD-V): every guest runs. */
        USABLE,
        /**
         * KVM provided by the {@code kvm_pvm} module: machines start and small guests run, but a
         * stock Linux kernel does not boot in useful time.
         */
        PVM,
        /** The device node does not exist: no virtualization extensions, or no kvm module loaded. */
        ABSENT,
        /** The device exists but this user may not open it read-write. */
        NO_PERMISSION,
        /**
         * The device opens but cannot serve this monitor: a wrong API version, a missing
         * capability, or the native library that reaches it cannot be loaded.
         */
        UNSUITABLE
    }

    /** Checks that no component is {@code null}. */
    public KvmAvailability {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Probes a KVM device node: opens it, checks its API version and capabilities, closes it.
     * Never throws for an unusable KVM; the status says what is wrong.
     *
     * @param device the device node, normally {@link MachineConfig#DEFAULT_KVM_DEVICE}
     * @return what was found
     */
    public static KvmAvailability probe(Path device) {
        Objects.requireNonNull(device, "device");
        if (!Files.exists(device)) {
            return absent(device);
        }
        try {
            Kvm.open(device).close();
        } catch (KvmException e) {
            return failed(device, e);
        } catch (LinkageError e) {
            return new KvmAvailability(device, Status.UNSUITABLE, "the native library that reaches " + device
                    + " (JNA) cannot be loaded: " + e);
        }
        if (Files.exists(PVM_MODULE)) {
            return new KvmAvailability(device, Status.PVM, device + " is PVM (module kvm_pvm is loaded): it runs"
                    + " small guests and PVM-enabled kernels, but a stock Linux kernel crawls in instruction"
                    + " emulation there and does not boot in time; run such kernels on hardware KVM (Intel VT-x"
                    + " or AMD-V)");
        }
        return new KvmAvailability(device, Status.USABLE, device + " is KVM");
    }

    /**
     * Classifies a failure to open a KVM device.
     *
     * @param device the device node
     * @param e what opening it threw
     * @return the finding: never usable
     */
    static KvmAvailability failed(Path device, KvmException e) {
        if (!Files.exists(device)) {
            return absent(device);
        }
        Status status = switch (e.errno()) {
            case ENOENT, ENODEV, ENXIO -> Status.ABSENT;
            case EPERM, EACCES -> Status.NO_PERMISSION;
            default -> Status.UNSUITABLE;
        };
        String hint = status == Status.NO_PERMISSION
                ? " (add the user to the 'kvm' group, or grant access to " + device + ")" : "";
        return new KvmAvailability(device, status, e.getMessage() + hint);
    }

    private static KvmAvailability absent(Path device) {
        return new KvmAvailability(device, Status.ABSENT, device + " does not exist: a wrong device path, or no KVM"
                + " on this machine (no virtualization extensions, or the kvm module is not loaded)");
    }

    /**
     * Tells whether machines can start: {@link Status#USABLE} or {@link Status#PVM}.
     *
     * @return true if {@link Machine#start(MachineConfig)} can create a VM here
     */
    public boolean usable() {
        return status == Status.USABLE || status == Status.PVM;
    }

    /**
     * Tells whether stock distribution kernels boot here in useful time: {@link Status#USABLE}.
     *
     * @return true on hardware-backed KVM
     */
    public boolean bootsStockKernels() {
        return status == Status.USABLE;
    }

    /**
     * Returns the finding as one sentence for messages.
     *
     * @return for example {@code "KVM unusable (NO_PERMISSION): open(/dev/kvm) failed: EACCES (13),
     *     permission denied (add the user to the 'kvm' group, or grant access to /dev/kvm)"}
     */
    public String describe() {
        return (usable() ? "KVM usable (" : "KVM unusable (") + status + "): " + detail;
    }
}
