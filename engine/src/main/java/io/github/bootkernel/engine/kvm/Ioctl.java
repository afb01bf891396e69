package io.github.bootkernel.engine.kvm;

/**
 * The KVM ioctls this monitor issues, each with its name and its request number. The number is
 * computed from direction, type, number and argument size exactly like the {@code _IO},
 * {@code _IOR}, {@code _IOW} and {@code _IOWR} macros of {@code <asm-generic/ioctl.h>}, so it
 * cannot drift from the size of the struct it carries; {@link #name()} is the C macro's name,
 * which error messages quote.
 */
public enum Ioctl {

    /** {@code KVM_GET_API_VERSION}. */
    KVM_GET_API_VERSION(Dir.NONE, 0x00, 0),
    /** {@code KVM_CREATE_VM}. */
    KVM_CREATE_VM(Dir.NONE, 0x01, 0),
    /** {@code KVM_CHECK_EXTENSION}. */
    KVM_CHECK_EXTENSION(Dir.NONE, 0x03, 0),
    /** {@code KVM_GET_VCPU_MMAP_SIZE}. */
    KVM_GET_VCPU_MMAP_SIZE(Dir.NONE, 0x04, 0),
    /** {@code KVM_GET_SUPPORTED_CPUID}, carrying {@code struct kvm_cpuid2}. */
    KVM_GET_SUPPORTED_CPUID(Dir.READ_WRITE, 0x05, KvmStructs.CPUID2_HEADER),
    /** {@code KVM_CREATE_VCPU}. */
    KVM_CREATE_VCPU(Dir.NONE, 0x41, 0),
    /** {@code KVM_SET_USER_MEMORY_REGION}, carrying {@code struct kvm_userspace_memory_region}. */
    KVM_SET_USER_MEMORY_REGION(Dir.WRITE, 0x46, KvmStructs.MEMORY_REGION),
    /** {@code KVM_SET_TSS_ADDR}. */
    KVM_SET_TSS_ADDR(Dir.NONE, 0x47, 0),
    /** {@code KVM_SET_IDENTITY_MAP_ADDR}, carrying a {@code __u64}. */
    KVM_SET_IDENTITY_MAP_ADDR(Dir.WRITE, 0x48, Long.BYTES),
    /** {@code KVM_CREATE_IRQCHIP}. */
    KVM_CREATE_IRQCHIP(Dir.NONE, 0x60, 0),
    /** {@code KVM_REGISTER_COALESCED_MMIO}, carrying {@code struct kvm_coalesced_mmio_zone}. */
    KVM_REGISTER_COALESCED_MMIO(Dir.WRITE, 0x67, KvmStructs.COALESCED_MMIO_ZONE),
    /** {@code KVM_IRQ_LINE}, carrying {@code struct kvm_irq_level}. */
    KVM_IRQ_LINE(Dir.WRITE, 0x61, KvmStructs.IRQ_LEVEL),
    /** {@code KVM_CREATE_PIT2}, carrying {@code struct kvm_pit_config}. */
    KVM_CREATE_PIT2(Dir.WRITE, 0x77, KvmStructs.PIT_CONFIG),
    /** {@code KVM_RUN}. */
    KVM_RUN(Dir.NONE, 0x80, 0),
    /** {@code KVM_GET_REGS}, carrying {@code struct kvm_regs}. */
    KVM_GET_REGS(Dir.READ, 0x81, KvmStructs.REGS),
    /** {@code KVM_SET_REGS}, carrying {@code struct kvm_regs}. */
    KVM_SET_REGS(Dir.WRITE, 0x82, KvmStructs.REGS),
    /** {@code KVM_GET_SREGS}, carrying {@code struct kvm_sregs}. */
    KVM_GET_SREGS(Dir.READ, 0x83, KvmStructs.SREGS),
    /** {@code KVM_SET_SREGS}, carrying {@code struct kvm_sregs}. */
    KVM_SET_SREGS(Dir.WRITE, 0x84, KvmStructs.SREGS),
    /** {@code KVM_SET_MSRS}, carrying {@code struct kvm_msrs}. */
    KVM_SET_MSRS(Dir.WRITE, 0x89, KvmStructs.MSRS_HEADER),
    /** {@code KVM_SET_SIGNAL_MASK}, carrying {@code struct kvm_signal_mask}. */
    KVM_SET_SIGNAL_MASK(Dir.WRITE, 0x8b, KvmStructs.SIGNAL_MASK_HEADER),
    /** {@code KVM_GET_FPU}, carrying {@code struct kvm_fpu}. */
    KVM_GET_FPU(Dir.READ, 0x8c, KvmStructs.FPU),
    /** {@code KVM_SET_FPU}, carrying {@code struct kvm_fpu}. */
    KVM_SET_FPU(Dir.WRITE, 0x8d, KvmStructs.FPU),
    /** {@code KVM_GET_LAPIC}, carrying {@code struct kvm_lapic_state}. */
    KVM_GET_LAPIC(Dir.READ, 0x8e, KvmStructs.LAPIC_STATE),
    /** {@code KVM_SET_LAPIC}, carrying {@code struct kvm_lapic_state}. */
    KVM_SET_LAPIC(Dir.WRITE, 0x8f, KvmStructs.LAPIC_STATE),
    /** {@code KVM_SET_CPUID2}, carrying {@code struct kvm_cpuid2}. */
    KVM_SET_CPUID2(Dir.WRITE, 0x90, KvmStructs.CPUID2_HEADER),
    /** {@code KVM_GET_MP_STATE}, carrying {@code struct kvm_mp_state}. */
    KVM_GET_MP_STATE(Dir.READ, 0x98, KvmStructs.MP_STATE),
    /** {@code KVM_GET_MSR_INDEX_LIST} (system), carrying {@code struct kvm_msr_list}. */
    KVM_GET_MSR_INDEX_LIST(Dir.READ_WRITE, 0x02, KvmStructs.MSR_LIST_HEADER),
    /** {@code KVM_GET_MSRS}, carrying {@code struct kvm_msrs}. */
    KVM_GET_MSRS(Dir.READ_WRITE, 0x88, KvmStructs.MSRS_HEADER),
    /** {@code KVM_SET_MP_STATE}, carrying {@code struct kvm_mp_state}. */
    KVM_SET_MP_STATE(Dir.WRITE, 0x99, KvmStructs.MP_STATE),
    /** {@code KVM_GET_XSAVE}, carrying {@code struct kvm_xsave}. */
    KVM_GET_XSAVE(Dir.READ, 0xa4, KvmStructs.XSAVE),
    /** {@code KVM_SET_XSAVE}, carrying {@code struct kvm_xsave} (longer with {@code KVM_CAP_XSAVE2}). */
    KVM_SET_XSAVE(Dir.WRITE, 0xa5, KvmStructs.XSAVE),
    /** {@code KVM_GET_XSAVE2}, carrying a {@code struct kvm_xsave} of {@code KVM_CAP_XSAVE2} bytes. */
    KVM_GET_XSAVE2(Dir.READ, 0xcf, KvmStructs.XSAVE),
    /** {@code KVM_GET_XCRS}, carrying {@code struct kvm_xcrs}. */
    KVM_GET_XCRS(Dir.READ, 0xa6, KvmStructs.XCRS),
    /** {@code KVM_SET_XCRS}, carrying {@code struct kvm_xcrs}. */
    KVM_SET_XCRS(Dir.WRITE, 0xa7, KvmStructs.XCRS),
    /** {@code KVM_GET_DEBUGREGS}, carrying {@code struct kvm_debugregs}. */
    KVM_GET_DEBUGREGS(Dir.READ, 0xa1, KvmStructs.DEBUGREGS),
    /** {@code KVM_SET_DEBUGREGS}, carrying {@code struct kvm_debugregs}. */
    KVM_SET_DEBUGREGS(Dir.WRITE, 0xa2, KvmStructs.DEBUGREGS),
    /** {@code KVM_GET_VCPU_EVENTS}, carrying {@code struct kvm_vcpu_events}. */
    KVM_GET_VCPU_EVENTS(Dir.READ, 0x9f, KvmStructs.VCPU_EVENTS),
    /** {@code KVM_SET_VCPU_EVENTS}, carrying {@code struct kvm_vcpu_events}. */
    KVM_SET_VCPU_EVENTS(Dir.WRITE, 0xa0, KvmStructs.VCPU_EVENTS),
    /** {@code KVM_GET_TSC_KHZ}. */
    KVM_GET_TSC_KHZ(Dir.NONE, 0xa3, 0),
    /** {@code KVM_SET_TSC_KHZ}. */
    KVM_SET_TSC_KHZ(Dir.NONE, 0xa2, 0),
    /** {@code KVM_KVMCLOCK_CTRL}: tells the guest's kvmclock the vCPU was paused. */
    KVM_KVMCLOCK_CTRL(Dir.NONE, 0xad, 0),
    /** {@code KVM_GET_IRQCHIP} (VM), carrying {@code struct kvm_irqchip}. */
    KVM_GET_IRQCHIP(Dir.READ_WRITE, 0x62, KvmStructs.IRQCHIP),
    /** {@code KVM_SET_IRQCHIP} (VM): {@code _IOR} in {@code <linux/kvm.h>}, a historical quirk. */
    KVM_SET_IRQCHIP(Dir.READ, 0x63, KvmStructs.IRQCHIP),
    /** {@code KVM_GET_PIT2} (VM), carrying {@code struct kvm_pit_state2}. */
    KVM_GET_PIT2(Dir.READ, 0x9f, KvmStructs.PIT_STATE2),
    /** {@code KVM_SET_PIT2} (VM), carrying {@code struct kvm_pit_state2}. */
    KVM_SET_PIT2(Dir.WRITE, 0xa0, KvmStructs.PIT_STATE2),
    /** {@code KVM_GET_CLOCK} (VM), carrying {@code struct kvm_clock_data}. */
    KVM_GET_CLOCK(Dir.READ, 0x7c, KvmStructs.CLOCK_DATA),
    /** {@code KVM_SET_CLOCK} (VM), carrying {@code struct kvm_clock_data}. */
    KVM_SET_CLOCK(Dir.WRITE, 0x7b, KvmStructs.CLOCK_DATA);

    private static final int NRBITS = 8;
    private static final int TYPEBITS = 8;
    private static final int SIZEBITS = 14;
    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = NRSHIFT + NRBITS;
    private static final int SIZESHIFT = TYPESHIFT + TYPEBITS;
    private static final int DIRSHIFT = SIZESHIFT + SIZEBITS;
    private static final int KVMIO = 0xAE;

    /** The {@code _IOC} direction bits, as the kernel's {@code _IOC_NONE/_IOC_WRITE/_IOC_READ}. */
    private enum Dir {
        NONE(0), WRITE(1), READ(2), READ_WRITE(3);

        final int bits;

        Dir(int bits) {
            this.bits = bits;
        }
    }

    private final long number;

    Ioctl(Dir direction, int nr, int size) {
        this.number = request(direction.bits, KVMIO, nr, size);
    }

    /** @return the request number passed to {@code ioctl(2)}, an unsigned 32-bit value */
    public long number() {
        return number;
    }

    static long request(int direction, int type, int nr, int size) {
        if (size < 0 || size >= 1 << SIZEBITS) {
            throw new IllegalArgumentException("ioctl argument size out of range: " + size);
        }
        return ((long) direction << DIRSHIFT) | ((long) size << SIZESHIFT)
                | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT);
    }
}
