package io.github.bootkernel.engine.kvm;

/**
 * Writes the KVM state of a snapshot ({@link StateSupport}, {@link VmState}, {@link VcpuState}) into
 * a snapshot file's state section and reads it back, checking every part against the size of its
 * kernel struct ({@code <asm/kvm.h>}, x86_64) before it can reach an ioctl.
 *
 * <p>Why this matters for native memory: {@link Vcpu#restoreState} and {@link Vm#restoreState}
 * hand each part to a {@code KVM_SET_*} ioctl in a direct buffer of the part's length, and the
 * kernel reads as many bytes as its struct has. A part shorter than its struct would let the
 * kernel read past the buffer. Parts made by {@code KVM_GET_*} on this host have the right length;
 * parts read from a file have it because {@link #readVcpu} and {@link #readVm} refuse any other.
 */
public final class KvmStateCodec {

    /** More MSRs than any KVM lists (the kernel's list has a few hundred). */
    private static final int MAX_MSRS = 4096;
    /** More than any XSAVE area (KVM_CAP_XSAVE2 reports about 11 KiB with AMX). */
    private static final int MAX_XSAVE = 1 << 20;

    private KvmStateCodec() {
    }

    /** Writes what the host offers. */
    public static void write(SnapshotOutput out, StateSupport s) {
        out.writeBoolean(s.mpState()).writeBoolean(s.vcpuEvents()).writeBoolean(s.debugRegs())
                .writeBoolean(s.xsave()).writeInt(s.xsave2Bytes()).writeBoolean(s.xcrs()).writeBoolean(s.tscKhz())
                .writeBoolean(s.tscControl()).writeBoolean(s.pitState2()).writeInt(s.adjustClock())
                .writeBoolean(s.kvmclockCtrl());
    }

    /** Reads what {@link #write(SnapshotOutput, StateSupport)} wrote. */
    public static StateSupport readSupport(SnapshotInput in) {
        return new StateSupport(in.readBoolean("KVM_CAP_MP_STATE"), in.readBoolean("KVM_CAP_VCPU_EVENTS"),
                in.readBoolean("KVM_CAP_DEBUGREGS"), in.readBoolean("KVM_CAP_XSAVE"),
                in.readInt("KVM_CAP_XSAVE2", 0, MAX_XSAVE), in.readBoolean("KVM_CAP_XCRS"),
                in.readBoolean("KVM_CAP_GET_TSC_KHZ"), in.readBoolean("KVM_CAP_TSC_CONTROL"),
                in.readBoolean("KVM_CAP_PIT_STATE2"), in.readInt("KVM_CAP_ADJUST_CLOCK", 0, Integer.MAX_VALUE),
                in.readBoolean("KVM_CAP_KVMCLOCK_CTRL"));
    }

    /** Writes the VM's state. */
    public static void write(SnapshotOutput out, VmState s) {
        out.writeInt(s.irqchips.length);
        for (byte[] chip : s.irqchips) {
            out.writeBytes(chip);
        }
        out.writeBytes(s.pit2).writeBytes(s.clock);
    }

    /**
     * Reads a VM's state: three {@code kvm_irqchip} structs whose {@code chip_id} is 0, 1 and 2 in
     * turn, a {@code kvm_pit_state2} or none, a {@code kvm_clock_data} or none.
     *
     * @param support what the host that took it offered: the PIT and the clock are there exactly when it said so
     * @throws SnapshotInput.Malformed if a part is missing, of another length, or out of place
     */
    public static VmState readVm(SnapshotInput in, StateSupport support) {
        in.readInt("the number of interrupt controllers", 3, 3);
        byte[][] chips = new byte[3][];
        for (int chip = 0; chip < 3; chip++) {
            chips[chip] = required(in.readBytesOfLength("kvm_irqchip " + chip, KvmStructs.IRQCHIP), "kvm_irqchip");
            int id = java.nio.ByteBuffer.wrap(chips[chip]).order(java.nio.ByteOrder.nativeOrder()).getInt(0);
            if (id != chip) {
                throw new SnapshotInput.Malformed("kvm_irqchip " + chip + " has chip_id " + id);
            }
        }
        byte[] pit = in.readBytesOfLength("kvm_pit_state2", KvmStructs.PIT_STATE2);
        byte[] clock = in.readBytesOfLength("kvm_clock_data", KvmStructs.CLOCK_DATA);
        presentIff(pit, support.pitState2(), "kvm_pit_state2", "KVM_CAP_PIT_STATE2");
        presentIff(clock, support.adjustClock() > 0, "kvm_clock_data", "KVM_CAP_ADJUST_CLOCK");
        return new VmState(chips, pit, clock);
    }

    /** Writes one vCPU's state. */
    public static void write(SnapshotOutput out, VcpuState s) {
        out.writeInt(s.mpState).writeBytes(s.regs).writeBytes(s.sregs).writeBytes(s.xsave).writeBytes(s.fpu)
                .writeBytes(s.xcrs).writeBytes(s.debugRegs).writeBytes(s.lapic).writeBytes(s.events)
                .writeInts(s.msrIndices).writeLongs(s.msrValues).writeInts(s.msrsRefused).writeInt(s.tscKhz);
    }

    /**
     * Reads one vCPU's state. Each struct has exactly its kernel size; XSAVE is 4 KiB or, with
     * {@code KVM_CAP_XSAVE2}, the size that reported; the optional parts are there exactly when
     * {@code support} says the host offered them; the MSR numbers and values pair up.
     *
     * @param support what the host that took it offered
     * @throws SnapshotInput.Malformed if a part does not fit those rules
     */
    public static VcpuState readVcpu(SnapshotInput in, StateSupport support) {
        int mp = in.readInt("mp_state", 0, 255);
        byte[] regs = required(in.readBytesOfLength("kvm_regs", KvmStructs.REGS), "kvm_regs");
        byte[] sregs = required(in.readBytesOfLength("kvm_sregs", KvmStructs.SREGS), "kvm_sregs");
        int xsaveLength = support.xsave2Bytes() > KvmStructs.XSAVE ? support.xsave2Bytes() : KvmStructs.XSAVE;
        byte[] xsave = in.readBytesOfLength("kvm_xsave", xsaveLength);
        byte[] fpu = in.readBytesOfLength("kvm_fpu", KvmStructs.FPU);
        boolean xsaveSaved = support.xsave2Bytes() > KvmStructs.XSAVE || support.xsave(); // as Vcpu.saveState chooses
        if ((xsave == null) == (fpu == null) || (xsave != null) != xsaveSaved) {
            throw new SnapshotInput.Malformed("a vCPU needs kvm_xsave (with KVM_CAP_XSAVE) or else kvm_fpu; it has "
                    + (xsave == null ? "no" : "a") + " kvm_xsave and " + (fpu == null ? "no" : "a") + " kvm_fpu");
        }
        byte[] xcrs = in.readBytesOfLength("kvm_xcrs", KvmStructs.XCRS);
        presentIff(xcrs, support.xcrs(), "kvm_xcrs", "KVM_CAP_XCRS");
        byte[] debug = in.readBytesOfLength("kvm_debugregs", KvmStructs.DEBUGREGS);
        presentIff(debug, support.debugRegs(), "kvm_debugregs", "KVM_CAP_DEBUGREGS");
        byte[] lapic = required(in.readBytesOfLength("kvm_lapic_state", KvmStructs.LAPIC_STATE), "kvm_lapic_state");
        byte[] events = in.readBytesOfLength("kvm_vcpu_events", KvmStructs.VCPU_EVENTS);
        presentIff(events, support.vcpuEvents(), "kvm_vcpu_events", "KVM_CAP_VCPU_EVENTS");
        int[] indices = required(in.readInts("the MSR numbers", MAX_MSRS), "the MSR numbers");
        long[] values = required(in.readLongs("the MSR values", MAX_MSRS), "the MSR values");
        if (indices.length != values.length) {
            throw new SnapshotInput.Malformed(indices.length + " MSR numbers but " + values.length + " values");
        }
        int[] refused = required(in.readInts("the MSRs refused", MAX_MSRS), "the MSRs refused");
        int tscKhz = in.readInt("tsc_khz", 0, Integer.MAX_VALUE);
        return new VcpuState(mp, regs, sregs, xsave, fpu, xcrs, debug, lapic, events, indices, values, refused, tscKhz);
    }

    private static <T> T required(T value, String what) {
        if (value == null) {
            throw new SnapshotInput.Malformed(what + " is missing");
        }
        return value;
    }

    private static void presentIff(byte[] part, boolean offered, String what, String capability) {
        if ((part != null) != offered) {
            throw new SnapshotInput.Malformed(what + (part == null ? " is missing, though the host offered "
                    : " is there, though the host did not offer ") + capability);
        }
    }
}
