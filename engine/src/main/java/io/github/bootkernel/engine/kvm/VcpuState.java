package io.github.bootkernel.engine.kvm;

import java.util.Arrays;

/**
 * Everything KVM holds about one paused vCPU, each part the bytes of its kernel struct as the
 * {@code KVM_GET_*} ioctl returned it (x86_64 {@code <asm/kvm.h>}), for the matching
 * {@code KVM_SET_*} of a new vCPU on the same host. Parts the host does not support
 * ({@link StateSupport}) are {@code null}. Immutable: the arrays are copies and never handed out.
 */
public final class VcpuState {

    final int mpState;
    final byte[] regs;
    final byte[] sregs;
    /** {@code KVM_GET_XSAVE(2)}; null without {@code KVM_CAP_XSAVE}, then {@link #fpu} holds the FPU. */
    final byte[] xsave;
    final byte[] fpu;
    final byte[] xcrs;
    final byte[] debugRegs;
    final byte[] lapic;
    final byte[] events;
    final int[] msrIndices;
    final long[] msrValues;
    /** MSRs KVM listed but {@code KVM_GET_MSRS} refused for this vCPU: not saved. */
    final int[] msrsRefused;
    /** {@code KVM_GET_TSC_KHZ}, 0 if unknown. */
    final int tscKhz;

    VcpuState(int mpState, byte[] regs, byte[] sregs, byte[] xsave, byte[] fpu, byte[] xcrs, byte[] debugRegs,
              byte[] lapic, byte[] events, int[] msrIndices, long[] msrValues, int[] msrsRefused, int tscKhz) {
        this.mpState = mpState;
        this.regs = regs;
        this.sregs = sregs;
        this.xsave = xsave;
        this.fpu = fpu;
        this.xcrs = xcrs;
        this.debugRegs = debugRegs;
        this.lapic = lapic;
        this.events = events;
        this.msrIndices = msrIndices;
        this.msrValues = msrValues;
        this.msrsRefused = msrsRefused;
        this.tscKhz = tscKhz;
    }

    /** @return {@code KVM_GET_MP_STATE} */
    public MpState mpState() {
        return MpState.of(mpState);
    }

    /** @return the general registers, decoded ({@code KVM_GET_REGS}) */
    public Regs regs() {
        Regs r = new Regs();
        r.buffer.put(0, regs);
        return r;
    }

    /** @return how many MSRs were saved */
    public int msrCount() {
        return msrIndices.length;
    }

    /**
     * @param index an MSR number
     * @return its saved value, or null if it was not saved
     */
    public Long msr(int index) {
        for (int i = 0; i < msrIndices.length; i++) {
            if (msrIndices[i] == index) {
                return msrValues[i];
            }
        }
        return null;
    }

    /** @return the MSRs KVM listed but refused to read for this vCPU, which were not saved */
    public int[] msrsRefused() {
        return msrsRefused.clone();
    }

    /** @return {@code KVM_GET_TSC_KHZ}, 0 if the host did not say */
    public int tscKhz() {
        return tscKhz;
    }

    /** @return which optional parts are absent, in words; empty if none */
    public String absentParts() {
        StringBuilder b = new StringBuilder();
        if (xsave == null) {
            b.append("xsave (fpu instead) ");
        }
        if (xcrs == null) {
            b.append("xcrs ");
        }
        if (debugRegs == null) {
            b.append("debugregs ");
        }
        if (events == null) {
            b.append("vcpu_events ");
        }
        return b.toString().trim();
    }

    @Override
    public String toString() {
        return "VcpuState[mp_state=" + mpState() + ", " + msrIndices.length + " MSRs, refused "
                + Arrays.toString(Arrays.stream(msrsRefused).mapToObj(Integer::toHexString).toArray())
                + ", tsc_khz=" + tscKhz + (absentParts().isEmpty() ? "" : ", absent: " + absentParts()) + "]";
    }
}
