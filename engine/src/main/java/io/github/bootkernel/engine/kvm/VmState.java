package io.github.bootkernel.engine.kvm;

/**
 * The VM-wide state KVM holds for a paused VM: the in-kernel PIC pair and IOAPIC
 * ({@code KVM_GET_IRQCHIP}, chips 0, 1, 2), the PIT ({@code KVM_GET_PIT2}) and the kvmclock
 * ({@code KVM_GET_CLOCK}), each the bytes of its kernel struct. Immutable.
 */
public final class VmState {

    static final int PIC_MASTER = 0;
    static final int PIC_SLAVE = 1;
    static final int IOAPIC = 2;

    final byte[][] irqchips;
    final byte[] pit2;
    final byte[] clock;

    VmState(byte[][] irqchips, byte[] pit2, byte[] clock) {
        this.irqchips = irqchips;
        this.pit2 = pit2;
        this.clock = clock;
    }

    /** @return the kvmclock's value when it was saved, in nanoseconds ({@code kvm_clock_data.clock}) */
    public long clockNanos() {
        return java.nio.ByteBuffer.wrap(clock).order(java.nio.ByteOrder.nativeOrder())
                .getLong(KvmStructs.CLOCK_DATA_CLOCK);
    }

    /** @return whether the PIT's state was saved ({@code KVM_CAP_PIT_STATE2}) */
    public boolean hasPit() {
        return pit2 != null;
    }
}
