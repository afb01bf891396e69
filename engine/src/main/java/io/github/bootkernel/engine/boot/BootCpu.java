package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.kvm.Fpu;
import io.github.bootkernel.engine.kvm.LapicState;
import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.Segment;
import io.github.bootkernel.engine.kvm.Sregs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vCPU state at the kernel's 32-bit entry, exactly as boot.rst's "32-bit boot protocol" asks:
 * protected mode, paging off, a loaded GDT with flat 4 GiB {@code __BOOT_CS} (0x10, execute/read)
 * and {@code __BOOT_DS} (0x18, read/write), CS = __BOOT_CS, DS = ES = SS = __BOOT_DS, interrupts
 * off, %esi = zero page, %ebp = %edi = %ebx = 0. Plus the MSR, FPU and local APIC state Firecracker
 * and kvmtool give a booting vCPU.
 */
public final class BootCpu {

    /** CR0.PE: protected mode. */
    static final long CR0_PE = 1L;
    /** CR0.ET: extension type, hard-wired to 1 on modern CPUs. */
    static final long CR0_ET = 1L << 4;
    /** RFLAGS bit 1 is reserved and always 1; IF (bit 9) is clear. */
    static final long RFLAGS_RESERVED = 0x2;

    /** MSR numbers. */
    static final int MSR_IA32_TSC = 0x10;
    static final int MSR_IA32_SYSENTER_CS = 0x174;
    static final int MSR_IA32_SYSENTER_ESP = 0x175;
    static final int MSR_IA32_SYSENTER_EIP = 0x176;
    static final int MSR_IA32_MISC_ENABLE = 0x1a0;
    static final int MSR_MTRR_DEF_TYPE = 0x2ff;
    static final int MSR_STAR = 0xc0000081;
    static final int MSR_LSTAR = 0xc0000082;
    static final int MSR_CSTAR = 0xc0000083;
    static final int MSR_SYSCALL_MASK = 0xc0000084;
    static final int MSR_KERNEL_GS_BASE = 0xc0000102;
    static final long MISC_ENABLE_FAST_STRING = 1L;
    static final long MTRR_ENABLE_WRITEBACK = (1L << 11) | 6L;

    private BootCpu() {
    }

    /** @return the flat 32-bit code segment for CS */
    public static Segment code() {
        return Segment.flat32(Layout.BOOT_CS, 0xb);
    }

    /** @return the flat 32-bit data segment for DS, ES, FS, GS, SS */
    public static Segment data() {
        return Segment.flat32(Layout.BOOT_DS, 0x3);
    }

    /**
     * The GDT written at {@link Layout#GDT}: two null entries, then __BOOT_CS and __BOOT_DS.
     *
     * @return 32 bytes
     */
    public static byte[] gdt() {
        ByteBuffer gdt = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        gdt.putLong(16, code().descriptor());
        gdt.putLong(24, data().descriptor());
        return gdt.array();
    }

    /**
     * Puts the special registers into the 32-bit entry state, keeping TR and LDT as KVM reset them.
     *
     * @param sregs the vCPU's current special registers
     * @return the same object, updated
     */
    public static Sregs protectedMode(Sregs sregs) {
        sregs.segment(Sregs.Seg.CS, code());
        for (Sregs.Seg seg : new Sregs.Seg[] {Sregs.Seg.DS, Sregs.Seg.ES, Sregs.Seg.FS, Sregs.Seg.GS, Sregs.Seg.SS}) {
            sregs.segment(seg, data());
        }
        sregs.gdt(Layout.GDT, 32 - 1);
        sregs.idt(Layout.IDT, 0);
        return sregs.cr0(CR0_PE | CR0_ET).cr3(0).cr4(0).efer(0);
    }

    /**
     * The general registers at entry.
     *
     * @param entry {@code code32_start}
     * @param zeroPage address of {@code struct boot_params}
     * @return the registers
     */
    public static Regs entryRegs(long entry, long zeroPage) {
        return new Regs().set(Regs.Reg.RIP, entry).set(Regs.Reg.RSI, zeroPage)
                .set(Regs.Reg.RFLAGS, RFLAGS_RESERVED);
    }

    /** @return the MSRs a booting vCPU gets, in the order they are written */
    public static Map<Integer, Long> msrs() {
        Map<Integer, Long> msrs = new LinkedHashMap<>();
        msrs.put(MSR_IA32_SYSENTER_CS, 0L);
        msrs.put(MSR_IA32_SYSENTER_ESP, 0L);
        msrs.put(MSR_IA32_SYSENTER_EIP, 0L);
        msrs.put(MSR_STAR, 0L);
        msrs.put(MSR_CSTAR, 0L);
        msrs.put(MSR_KERNEL_GS_BASE, 0L);
        msrs.put(MSR_SYSCALL_MASK, 0L);
        msrs.put(MSR_LSTAR, 0L);
        msrs.put(MSR_IA32_TSC, 0L);
        msrs.put(MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING);
        msrs.put(MSR_MTRR_DEF_TYPE, MTRR_ENABLE_WRITEBACK);
        return msrs;
    }

    /** @return x87 control word 0x37f and MXCSR 0x1f80, the power-on defaults */
    public static Fpu fpu() {
        return new Fpu().fcw(0x37f).mxcsr(0x1f80);
    }

    /**
     * Puts the local APIC into virtual-wire mode: LINT0 ExtINT, so the 8259's interrupts reach the
     * CPU, and LINT1 NMI (Intel SDM vol. 3, 10.5.1; what Firecracker and kvmtool set).
     *
     * @param lapic the vCPU's current local APIC state
     * @return the same object, updated
     */
    public static LapicState virtualWire(LapicState lapic) {
        lapic.deliveryMode(LapicState.LVT_LINT0, LapicState.DELIVERY_EXTINT);
        lapic.deliveryMode(LapicState.LVT_LINT1, LapicState.DELIVERY_NMI);
        return lapic;
    }
}
