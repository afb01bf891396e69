package io.github.bootkernel.engine.kvm;

/**
 * The KVM ioctl request numbers, computed from direction, type, number and argument size exactly
 * like the {@code _IO}, {@code _IOR}, {@code _IOW} and {@code _IOWR} macros of
 * {@code <asm-generic/ioctl.h>}, so a number cannot drift from the size of the struct it carries.
 */
public final class Ioctl {

    private static final int NRBITS = 8;
    private static final int TYPEBITS = 8;
    private static final int SIZEBITS = 14;
    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = NRSHIFT + NRBITS;
    private static final int SIZESHIFT = TYPESHIFT + TYPEBITS;
    private static final int DIRSHIFT = SIZESHIFT + SIZEBITS;
    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;
    private static final int KVMIO = 0xAE;

    /** {@code KVM_GET_API_VERSION}. */
    public static final long KVM_GET_API_VERSION = io(0x00);
    /** {@code KVM_CREATE_VM}. */
    public static final long KVM_CREATE_VM = io(0x01);
    /** {@code KVM_CHECK_EXTENSION}. */
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    /** {@code KVM_GET_VCPU_MMAP_SIZE}. */
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    /** {@code KVM_GET_SUPPORTED_CPUID}, carrying {@code struct kvm_cpuid2}. */
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, KvmStructs.CPUID2_HEADER);
    /** {@code KVM_CREATE_VCPU}. */
    public static final long KVM_CREATE_VCPU = io(0x41);
    /** {@code KVM_SET_USER_MEMORY_REGION}, carrying {@code struct kvm_userspace_memory_region}. */
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, KvmStructs.MEMORY_REGION);
    /** {@code KVM_SET_TSS_ADDR}. */
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    /** {@code KVM_SET_IDENTITY_MAP_ADDR}, carrying a {@code __u64}. */
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, Long.BYTES);
    /** {@code KVM_CREATE_IRQCHIP}. */
    public static final long KVM_CREATE_IRQCHIP = io(0x60);
    /** {@code KVM_IRQ_LINE}, carrying {@code struct kvm_irq_level}. */
    public static final long KVM_IRQ_LINE = iow(0x61, KvmStructs.IRQ_LEVEL);
    /** {@code KVM_CREATE_PIT2}, carrying {@code struct kvm_pit_config}. */
    public static final long KVM_CREATE_PIT2 = iow(0x77, KvmStructs.PIT_CONFIG);
    /** {@code KVM_RUN}. */
    public static final long KVM_RUN = io(0x80);
    /** {@code KVM_GET_REGS}, carrying {@code struct kvm_regs}. */
    public static final long KVM_GET_REGS = ior(0x81, KvmStructs.REGS);
    /** {@code KVM_SET_REGS}, carrying {@code struct kvm_regs}. */
    public static final long KVM_SET_REGS = iow(0x82, KvmStructs.REGS);
    /** {@code KVM_GET_SREGS}, carrying {@code struct kvm_sregs}. */
    public static final long KVM_GET_SREGS = ior(0x83, KvmStructs.SREGS);
    /** {@code KVM_SET_SREGS}, carrying {@code struct kvm_sregs}. */
    public static final long KVM_SET_SREGS = iow(0x84, KvmStructs.SREGS);
    /** {@code KVM_SET_MSRS}, carrying {@code struct kvm_msrs}. */
    public static final long KVM_SET_MSRS = iow(0x89, KvmStructs.MSRS_HEADER);
    /** {@code KVM_SET_SIGNAL_MASK}, carrying {@code struct kvm_signal_mask}. */
    public static final long KVM_SET_SIGNAL_MASK = iow(0x8b, KvmStructs.SIGNAL_MASK_HEADER);
    /** {@code KVM_GET_FPU}, carrying {@code struct kvm_fpu}. */
    public static final long KVM_GET_FPU = ior(0x8c, KvmStructs.FPU);
    /** {@code KVM_SET_FPU}, carrying {@code struct kvm_fpu}. */
    public static final long KVM_SET_FPU = iow(0x8d, KvmStructs.FPU);
    /** {@code KVM_GET_LAPIC}, carrying {@code struct kvm_lapic_state}. */
    public static final long KVM_GET_LAPIC = ior(0x8e, KvmStructs.LAPIC_STATE);
    /** {@code KVM_SET_LAPIC}, carrying {@code struct kvm_lapic_state}. */
    public static final long KVM_SET_LAPIC = iow(0x8f, KvmStructs.LAPIC_STATE);
    /** {@code KVM_SET_CPUID2}, carrying {@code struct kvm_cpuid2}. */
    public static final long KVM_SET_CPUID2 = iow(0x90, KvmStructs.CPUID2_HEADER);

    private Ioctl() {
    }

    static long request(int direction, int type, int nr, int size) {
        if (size < 0 || size >= 1 << SIZEBITS) {
            throw new IllegalArgumentException("ioctl argument size out of range: " + size);
        }
        return ((long) direction << DIRSHIFT) | ((long) size << SIZESHIFT)
                | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT);
    }

    private static long io(int nr) {
        return request(NONE, KVMIO, nr, 0);
    }

    private static long ior(int nr, int size) {
        return request(READ, KVMIO, nr, size);
    }

    private static long iow(int nr, int size) {
        return request(WRITE, KVMIO, nr, size);
    }

    private static long iowr(int nr, int size) {
        return request(READ | WRITE, KVMIO, nr, size);
    }
}
