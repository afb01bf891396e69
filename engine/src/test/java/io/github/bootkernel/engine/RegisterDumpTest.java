package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.Segment;
import io.github.bootkernel.engine.kvm.Sregs;
import org.junit.jupiter.api.Test;

/** The register dump of a crash, and the note that replaces it when KVM reset the vCPU first. */
class RegisterDumpTest {

    private static Sregs withCs(long base, int selector) {
        return new Sregs().segment(Sregs.Seg.CS, new Segment(base, 0xffff, selector, 0xb, true, 0, false, true,
                false, false, false, false));
    }

    @Test
    void theStateAtAFaultIsPrinted() {
        Regs regs = new Regs().set(Regs.Reg.RIP, 0x100002).set(Regs.Reg.RFLAGS, 0x2);
        String dump = RegisterDump.of(regs, withCs(0, 0x10));
        assertThat(dump).contains("rip=0000000000100002").contains("rflags=0000000000000002");
        assertThat(dump).isEqualTo(regs + "\n" + withCs(0, 0x10));
    }

    @Test
    void thePowerOnStateAmdLeavesAfterATripleFaultIsNotPrintedAsIfItMeantSomething() {
        // What KVM on AMD SVM reports after KVM_EXIT_SHUTDOWN: the INIT state, general registers zero
        // but rdx (the CPU signature).
        Regs regs = new Regs().set(Regs.Reg.RIP, 0xfff0).set(Regs.Reg.RFLAGS, 0x2).set(Regs.Reg.RDX, 0x600f12);
        String dump = RegisterDump.of(regs, withCs(0xffff0000L, 0xf000));
        assertThat(dump).isEqualTo(RegisterDump.RESET_STATE);
        assertThat(dump).contains("power-on state").contains("AMD").doesNotContain("rax=");
    }

    @Test
    void onlyTheResetVectorWithTheResetsCsIsThePowerOnState() {
        Regs atResetVector = new Regs().set(Regs.Reg.RIP, 0xfff0);
        assertThat(RegisterDump.isPowerOnState(atResetVector, withCs(0xffff0000L, 0xf000))).isTrue();
        assertThat(RegisterDump.isPowerOnState(atResetVector, withCs(0, 0x10))).isFalse();
        assertThat(RegisterDump.isPowerOnState(atResetVector, withCs(0xf0000, 0xf000))).isFalse();
        assertThat(RegisterDump.isPowerOnState(new Regs().set(Regs.Reg.RIP, 0xfff1), withCs(0xffff0000L, 0xf000)))
                .isFalse();
    }
}
