package io.github.bootkernel.engine.kvm;

/**
 * The KVM capabilities this monitor asks about with {@code KVM_CHECK_EXTENSION}; numbers from
 * {@code <linux/kvm.h>}. {@link #toString()} is the C macro's name, which error messages quote.
 */
public enum Capability {

    /** {@code KVM_CAP_IRQCHIP}: the in-kernel PIC, IOAPIC and local APICs. */
    IRQCHIP(0),
    /** {@code KVM_CAP_USER_MEMORY}: {@code KVM_SET_USER_MEMORY_REGION}. */
    USER_MEMORY(3),
    /** {@code KVM_CAP_NR_VCPUS}: the recommended most vCPUs per VM. */
    NR_VCPUS(9),
    /** {@code KVM_CAP_SET_TSS_ADDR}. */
    SET_TSS_ADDR(4),
    /** {@code KVM_CAP_EXT_CPUID}: {@code KVM_GET_SUPPORTED_CPUID} and {@code KVM_SET_CPUID2}. */
    EXT_CPUID(7),
    /**
     * {@code KVM_CAP_COALESCED_MMIO}: {@code KVM_REGISTER_COALESCED_MMIO}; the value is the ring's
     * page offset in a vCPU's mapping.
     */
    COALESCED_MMIO(15),
    /** {@code KVM_CAP_PIT2}: {@code KVM_CREATE_PIT2}. */
    PIT2(33),
    /** {@code KVM_CAP_SET_IDENTITY_MAP_ADDR}. */
    SET_IDENTITY_MAP_ADDR(37),
    /** {@code KVM_CAP_TSC_DEADLINE_TIMER}: the local APIC's TSC-deadline mode is emulated. */
    TSC_DEADLINE_TIMER(72),
    /** {@code KVM_CAP_MAX_VCPUS}: the most vCPUs a VM may have. */
    MAX_VCPUS(66),
    /** {@code KVM_CAP_COALESCED_PIO}: coalesced zones of port I/O ({@code pio = 1}). */
    COALESCED_PIO(162),
    /** {@code KVM_CAP_IMMEDIATE_EXIT}: {@code kvm_run.immediate_exit}, which the vCPU kick needs. */
    IMMEDIATE_EXIT(136),
    /** {@code KVM_CAP_MP_STATE}: {@code KVM_GET/SET_MP_STATE}. */
    MP_STATE(14),
    /** {@code KVM_CAP_PIT_STATE2}: {@code KVM_GET/SET_PIT2}. */
    PIT_STATE2(35),
    /** {@code KVM_CAP_ADJUST_CLOCK}: {@code KVM_GET/SET_CLOCK}; the value has the flags they accept. */
    ADJUST_CLOCK(39),
    /** {@code KVM_CAP_VCPU_EVENTS}: {@code KVM_GET/SET_VCPU_EVENTS}. */
    VCPU_EVENTS(41),
    /** {@code KVM_CAP_DEBUGREGS}: {@code KVM_GET/SET_DEBUGREGS}. */
    DEBUGREGS(50),
    /** {@code KVM_CAP_XSAVE}: {@code KVM_GET/SET_XSAVE}. */
    XSAVE(55),
    /** {@code KVM_CAP_XCRS}: {@code KVM_GET/SET_XCRS}. */
    XCRS(56),
    /** {@code KVM_CAP_TSC_CONTROL}: {@code KVM_SET_TSC_KHZ}. */
    TSC_CONTROL(60),
    /** {@code KVM_CAP_GET_TSC_KHZ}: {@code KVM_GET_TSC_KHZ}. */
    GET_TSC_KHZ(61),
    /** {@code KVM_CAP_KVMCLOCK_CTRL}: {@code KVM_KVMCLOCK_CTRL}. */
    KVMCLOCK_CTRL(76),
    /** {@code KVM_CAP_XSAVE2}: the size of {@code KVM_GET_XSAVE2}'s buffer, in bytes. */
    XSAVE2(208);

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** @return the {@code KVM_CAP_*} number */
    public int number() {
        return number;
    }

    /** @return the C name, e.g. {@code KVM_CAP_PIT2} */
    @Override
    public String toString() {
        return "KVM_CAP_" + name();
    }
}
