package io.github.bootkernel.engine.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The KVM system file descriptor, {@code /dev/kvm}: capability queries and VM creation.
 */
public final class Kvm extends Fd {

    /** The only stable KVM API version. */
    public static final int API_VERSION = 12;
    /** The capabilities {@link #open(Path)} requires. */
    private static final List<Capability> REQUIRED = List.of(Capability.IRQCHIP, Capability.USER_MEMORY,
            Capability.SET_TSS_ADDR, Capability.EXT_CPUID, Capability.PIT2, Capability.IMMEDIATE_EXIT);

    private static final int CPUID_MAX_ENTRIES = 256;

    private final Path device;

    private Kvm(int fd, Path device) {
        super(fd, device.toString());
        this.device = device;
    }

    /**
     * Opens a KVM device node and checks its API version and the capabilities this monitor needs.
     *
     * @param device the device node
     * @return the open system handle
     */
    public static Kvm open(Path device) {
        if (!Files.exists(device)) {
            // Why, and what to do, is the probe's to say (KvmAvailability).
            throw new KvmException(device + " does not exist");
        }
        int fd;
        try {
            fd = Native.open(device.toString(), Native.O_RDWR | Native.O_CLOEXEC);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            int errno = Native.errno(e);
            // The remedy is the probe's to say (KvmAvailability), once.
            throw new KvmException("open(" + device + ")", errno, e);
        }
        Kvm kvm = new Kvm(fd, device);
        try {
            int version = kvm.ioctl(Ioctl.KVM_GET_API_VERSION, 0);
            if (version != API_VERSION) {
                throw new KvmException(device + " reports KVM API version " + version + ", expected " + API_VERSION);
            }
            for (Capability cap : REQUIRED) {
                if (kvm.checkExtension(cap) <= 0) {
                    throw new KvmException(device + " lacks " + cap + " (" + cap.number()
                            + "), which this monitor needs");
                }
            }
            return kvm;
        } catch (RuntimeException e) {
            kvm.close();
            throw e;
        }
    }

    /** @return the device node this handle was opened from */
    public Path device() {
        return device;
    }

    /**
     * {@code KVM_CHECK_EXTENSION}.
     *
     * @param capability the capability
     * @return 0 if unsupported, otherwise a positive, capability-specific value
     */
    public int checkExtension(Capability capability) {
        return ioctl(Ioctl.KVM_CHECK_EXTENSION, capability.number());
    }

    /**
     * The most vCPUs one VM may have on this host, as the KVM API document's
     * {@code KVM_CREATE_VCPU} section says to find it: {@code KVM_CAP_MAX_VCPUS}; without it,
     * {@code KVM_CAP_NR_VCPUS}; without that, 4.
     *
     * @return the limit, at least 1
     */
    public int maxVcpus() {
        int max = checkExtension(Capability.MAX_VCPUS);
        if (max > 0) {
            return max;
        }
        int recommended = checkExtension(Capability.NR_VCPUS);
        return recommended > 0 ? recommended : 4;
    }

    /** @return the size of each vCPU's shared {@code kvm_run} mapping */
    public int vcpuMmapSize() {
        int size = ioctl(Ioctl.KVM_GET_VCPU_MMAP_SIZE, 0);
        if (size < KvmStructs.RUN_SIZE) {
            throw new KvmException("KVM_GET_VCPU_MMAP_SIZE returned " + size + ", smaller than struct kvm_run");
        }
        return size;
    }

    /**
     * {@code KVM_GET_SUPPORTED_CPUID}: the CPUID leaves this host's KVM can offer a guest.
     *
     * @return the leaves, in the order KVM returned them
     */
    public List<CpuidEntry> supportedCpuid() {
        CpuidTable table = new CpuidTable(CPUID_MAX_ENTRIES);
        ioctl(Ioctl.KVM_GET_SUPPORTED_CPUID, table);
        int n = table.count();
        if (n <= 0 || n > CPUID_MAX_ENTRIES) {
            throw new KvmException("KVM_GET_SUPPORTED_CPUID returned " + n + " entries (capacity "
                    + CPUID_MAX_ENTRIES + ")");
        }
        return table.entries();
    }

    /**
     * {@code KVM_GET_MSR_INDEX_LIST}: the MSRs KVM saves and restores for a guest, filtered to
     * those a snapshot saves ({@link SnapshotMsrs}) and ordered for restoring.
     *
     * @return MSR numbers
     * @throws KvmException if the ioctl fails
     */
    public List<Integer> snapshotMsrs() {
        int capacity = 512;
        for (int attempt = 0; attempt < 4; attempt++) {
            java.nio.ByteBuffer list = java.nio.ByteBuffer.allocateDirect(KvmStructs.MSR_LIST_HEADER + 4 * capacity)
                    .order(java.nio.ByteOrder.nativeOrder());
            list.putInt(0, capacity);
            try {
                // SAFETY: the buffer holds nmsrs = capacity indices after the header; KVM writes
                // at most that many, or fails with E2BIG and writes only the count it needs.
                ioctl(Ioctl.KVM_GET_MSR_INDEX_LIST, list);
            } catch (KvmException e) {
                if (e.errno() == Errno.E2BIG) {
                    capacity = Math.max(capacity * 2, list.getInt(0));
                    continue;
                }
                throw e;
            }
            int n = list.getInt(0);
            if (n < 0 || n > capacity) {
                throw new KvmException("KVM_GET_MSR_INDEX_LIST returned " + n + " MSRs (capacity " + capacity + ")");
            }
            List<Integer> listed = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                listed.add(list.getInt(KvmStructs.MSR_LIST_HEADER + 4 * i));
            }
            return SnapshotMsrs.toSave(listed);
        }
        throw new KvmException("KVM_GET_MSR_INDEX_LIST kept answering E2BIG");
    }

    /**
     * {@code KVM_CREATE_VM}.
     *
     * @return the new VM, owned by the caller
     */
    public Vm createVm() {
        int vmFd = ioctl(Ioctl.KVM_CREATE_VM, 0);
        return new Vm(vmFd, vcpuMmapSize());
    }
}
