package io.github.bootkernel.engine.kvm;

/**
 * Which of the optional state ioctls a VM offers, from {@code KVM_CHECK_EXTENSION} on its fd
 * (api.rst, section 4: each ioctl names its capability). A snapshot saves and restores what is
 * supported and records what was not (see {@link #missing()}); a clone is restored only on a host
 * that supports what its snapshot saved.
 *
 * @param mpState {@code KVM_CAP_MP_STATE}
 * @param vcpuEvents {@code KVM_CAP_VCPU_EVENTS}
 * @param debugRegs {@code KVM_CAP_DEBUGREGS}
 * @param xsave {@code KVM_CAP_XSAVE}; without it the FPU and SSE state go through {@code KVM_GET_FPU}
 * @param xsave2Bytes {@code KVM_CAP_XSAVE2}: the {@code KVM_GET_XSAVE2} buffer's size in bytes, 0 without
 * @param xcrs {@code KVM_CAP_XCRS}
 * @param tscKhz {@code KVM_CAP_GET_TSC_KHZ}
 * @param tscControl {@code KVM_CAP_TSC_CONTROL}
 * @param pitState2 {@code KVM_CAP_PIT_STATE2}
 * @param adjustClock {@code KVM_CAP_ADJUST_CLOCK}'s value: 0 without, else the {@code KVM_CLOCK_*} flags it knows
 * @param kvmclockCtrl {@code KVM_CAP_KVMCLOCK_CTRL}
 */
public record StateSupport(boolean mpState, boolean vcpuEvents, boolean debugRegs, boolean xsave, int xsave2Bytes,
                           boolean xcrs, boolean tscKhz, boolean tscControl, boolean pitState2, int adjustClock,
                           boolean kvmclockCtrl) {

    /**
     * Asks the VM.
     *
     * @param vm the VM
     * @return what it supports
     */
    public static StateSupport of(Vm vm) {
        return new StateSupport(vm.checkExtension(Capability.MP_STATE) > 0,
                vm.checkExtension(Capability.VCPU_EVENTS) > 0, vm.checkExtension(Capability.DEBUGREGS) > 0,
                vm.checkExtension(Capability.XSAVE) > 0, Math.max(0, vm.checkExtension(Capability.XSAVE2)),
                vm.checkExtension(Capability.XCRS) > 0, vm.checkExtension(Capability.GET_TSC_KHZ) > 0,
                vm.checkExtension(Capability.TSC_CONTROL) > 0, vm.checkExtension(Capability.PIT_STATE2) > 0,
                Math.max(0, vm.checkExtension(Capability.ADJUST_CLOCK)),
                vm.checkExtension(Capability.KVMCLOCK_CTRL) > 0);
    }

    /** @return the capabilities this VM lacks, in words, empty if none */
    public String missing() {
        StringBuilder b = new StringBuilder();
        append(b, mpState, Capability.MP_STATE);
        append(b, vcpuEvents, Capability.VCPU_EVENTS);
        append(b, debugRegs, Capability.DEBUGREGS);
        append(b, xsave, Capability.XSAVE);
        append(b, xsave2Bytes > 0, Capability.XSAVE2);
        append(b, xcrs, Capability.XCRS);
        append(b, tscKhz, Capability.GET_TSC_KHZ);
        append(b, tscControl, Capability.TSC_CONTROL);
        append(b, pitState2, Capability.PIT_STATE2);
        append(b, adjustClock > 0, Capability.ADJUST_CLOCK);
        append(b, kvmclockCtrl, Capability.KVMCLOCK_CTRL);
        return b.toString();
    }

    private static void append(StringBuilder b, boolean present, Capability cap) {
        if (!present) {
            b.append(b.length() == 0 ? "" : ", ").append(cap);
        }
    }
}
