package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.Segment;
import io.github.bootkernel.engine.kvm.Sregs;

/**
 * The registers a crash report shows, or why it shows none. On AMD SVM, KVM resets the vCPU
 * before it reports a triple fault ({@code KVM_EXIT_SHUTDOWN}): the VMCB is undefined after a
 * shutdown intercept, so {@code shutdown_interception()} in {@code arch/x86/kvm/svm/svm.c} runs an
 * INIT. The registers read then hold the power-on state ({@code rip=0xfff0}, {@code cs=0xf000}
 * with base {@code 0xffff0000}, everything else almost all zero), nothing of the crash; printing them
 * as if they were would mislead. Intel VT-x keeps the state at the fault.
 */
final class RegisterDump {

    /** Where x86 starts after a reset or INIT: cs:ip = f000:fff0 with cs base 0xffff0000. */
    static final long RESET_RIP = 0xfff0;
    static final long RESET_CS_BASE = 0xffff_0000L;
    static final int RESET_CS_SELECTOR = 0xf000;

    static final String RESET_STATE = "(registers not shown: KVM reset the vCPU before reporting this exit, as it does"
            + " for a triple fault on AMD SVM, so they hold its power-on state (rip=0xfff0, cs=0xf000 base"
            + " 0xffff0000), not the state at the fault)";

    private RegisterDump() {
    }

    /**
     * @param regs the general registers
     * @param sregs the special registers
     * @return both, formatted, or {@link #RESET_STATE} when they are the power-on state
     */
    static String of(Regs regs, Sregs sregs) {
        return isPowerOnState(regs, sregs) ? RESET_STATE : regs + "\n" + sregs;
    }

    /**
     * Whether the registers are those of a vCPU just reset or INITed: the reset vector
     * {@code f000:fff0} with the reset's CS base. No guest of this monitor runs there (no memory
     * backs {@code 0xfffffff0}), so a crash cannot leave this state behind.
     */
    static boolean isPowerOnState(Regs regs, Sregs sregs) {
        Segment cs = sregs.segment(Sregs.Seg.CS);
        return regs.get(Regs.Reg.RIP) == RESET_RIP && cs.base() == RESET_CS_BASE && cs.selector() == RESET_CS_SELECTOR;
    }
}
