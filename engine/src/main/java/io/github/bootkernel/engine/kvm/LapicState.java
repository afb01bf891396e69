package io.github.bootkernel.engine.kvm;

/** {@code struct kvm_lapic_state}: the local APIC's 1 KiB register page. */
public final class LapicState extends Struct {

    /** Offset of the LVT LINT0 register. */
    public static final int LVT_LINT0 = 0x350;
    /** Offset of the LVT LINT1 register. */
    public static final int LVT_LINT1 = 0x360;
    /** Delivery mode ExtINT: the interrupt comes from an external 8259 PIC. */
    public static final int DELIVERY_EXTINT = 0x7;
    /** Delivery mode NMI. */
    public static final int DELIVERY_NMI = 0x4;

    /** Creates an all-zero register page; normally filled by {@code KVM_GET_LAPIC} first. */
    public LapicState() {
        super(KvmStructs.LAPIC_STATE);
    }

    /**
     * Reads a 32-bit APIC register.
     *
     * @param offset register offset within the page
     * @return its value
     */
    public int register(int offset) {
        return u32(offset);
    }

    /**
     * Sets the delivery mode bits (10:8) of an LVT register, keeping its other bits.
     *
     * @param offset the LVT register's offset
     * @param mode the delivery mode
     * @return this
     */
    public LapicState deliveryMode(int offset, int mode) {
        u32(offset, (u32(offset) & ~0x700) | (mode << 8));
        return this;
    }
}
