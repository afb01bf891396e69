package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.github.bootkernel.engine.kvm.Regs;
import io.github.bootkernel.engine.kvm.Segment;
import io.github.bootkernel.engine.kvm.Sregs;
import io.github.bootkernel.engine.kvm.StructBytes;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The 32-bit entry state boot.rst's "32-bit boot protocol" section asks for. */
class BootCpuTest {

    private static final long IOAPIC = 0xfec00000L;
    private static final long LAPIC = 0xfee00000L;

    @Test
    void gdtHasTwoNullEntriesThenFlatCodeAndData() {
        byte[] gdt = BootCpu.gdt();
        assertThat(gdt).hasSize(32);
        assertThat(Arrays.copyOfRange(gdt, 0, 16)).containsOnly(0);
        ByteBuffer b = ByteBuffer.wrap(gdt).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(0x10)).isEqualTo(0x00cf9b000000ffffL);
        assertThat(b.getLong(0x18)).isEqualTo(0x00cf93000000ffffL);
        assertThat(Arrays.copyOfRange(gdt, 16, 24)).containsExactly(
                0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00);
    }

    @Test
    void gdtEntriesSitAtTheirSelectors() {
        ByteBuffer b = ByteBuffer.wrap(BootCpu.gdt()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(Layout.BOOT_CS)).isEqualTo(BootCpu.code().descriptor());
        assertThat(b.getLong(Layout.BOOT_DS)).isEqualTo(BootCpu.data().descriptor());
    }

    @Test
    void codeAndDataSegments() {
        assertThat(BootCpu.code()).isEqualTo(Segment.flat32(0x10, 0xb));
        assertThat(BootCpu.data()).isEqualTo(Segment.flat32(0x18, 0x3));
        assertThat(BootCpu.code().base()).isZero();
        assertThat(BootCpu.code().limit()).isEqualTo(0xffffffff);
    }

    @Test
    void protectedModeSpecialRegisters() {
        Segment tr = new Segment(0, 0xffff, 0, 0xb, true, 0, false, false, false, false, false, false);
        Segment ldt = new Segment(0, 0xffff, 0, 0x2, true, 0, false, false, false, false, false, false);
        Sregs reset = new Sregs().segment(Sregs.Seg.TR, tr).segment(Sregs.Seg.LDT, ldt).cr0(0x60000010L)
                .cr4(0x40).efer(0x500).cr3(0x1000);

        Sregs sregs = BootCpu.protectedMode(reset);

        assertThat(sregs).isSameAs(reset);
        Segment cs = sregs.segment(Sregs.Seg.CS);
        assertThat(cs.selector()).isEqualTo(0x10);
        assertThat(cs.type()).isEqualTo(0xb);
        assertThat(cs).isEqualTo(BootCpu.code());
        for (Sregs.Seg seg : new Sregs.Seg[] {Sregs.Seg.DS, Sregs.Seg.ES, Sregs.Seg.SS, Sregs.Seg.FS, Sregs.Seg.GS}) {
            assertThat(sregs.segment(seg)).as(seg.name()).isEqualTo(BootCpu.data());
            assertThat(sregs.segment(seg).selector()).as(seg.name()).isEqualTo(0x18);
        }
        assertThat(sregs.segment(Sregs.Seg.TR)).as("TR as KVM reset it").isEqualTo(tr);
        assertThat(sregs.segment(Sregs.Seg.LDT)).as("LDT as KVM reset it").isEqualTo(ldt);
        assertThat(sregs.cr0()).as("PE | ET, paging off").isEqualTo(0x11);
        assertThat(sregs.cr3()).isZero();
        assertThat(sregs.cr4()).isZero();
        assertThat(sregs.efer()).isZero();
        assertThat(StructBytes.gdtBase(sregs)).isEqualTo(0x500);
        assertThat(StructBytes.gdtLimit(sregs)).isEqualTo(31);
        assertThat(StructBytes.idtBase(sregs)).isEqualTo(Layout.IDT);
        assertThat(StructBytes.idtLimit(sregs)).isZero();
    }

    @Test
    void entryRegisters() {
        Regs regs = BootCpu.entryRegs(0x100000, 0x7000);
        assertThat(regs.get(Regs.Reg.RIP)).isEqualTo(0x100000);
        assertThat(regs.get(Regs.Reg.RSI)).isEqualTo(0x7000);
        assertThat(regs.get(Regs.Reg.RFLAGS)).as("reserved bit 1 only: IF clear").isEqualTo(0x2);
        for (Regs.Reg r : Regs.Reg.values()) {
            if (r != Regs.Reg.RIP && r != Regs.Reg.RSI && r != Regs.Reg.RFLAGS) {
                assertThat(regs.get(r)).as(r.name()).isZero(); // %ebp, %edi, %ebx must be zero
            }
        }
    }

    @Test
    void msrs() {
        assertThat(BootCpu.msrs()).containsExactly(
                entry(0x174, 0L),
                entry(0x175, 0L),
                entry(0x176, 0L),
                entry(0xc0000081, 0L),
                entry(0xc0000083, 0L),
                entry(0xc0000102, 0L),
                entry(0xc0000084, 0L),
                entry(0xc0000082, 0L),
                entry(0x10, 0L),
                entry(0x1a0, 1L),
                entry(0x2ff, 0x806L));
    }

    @Test
    void fpuPowerOnDefaults() {
        assertThat(BootCpu.fpu().fcw()).isEqualTo(0x37f);
        assertThat(BootCpu.fpu().mxcsr()).isEqualTo(0x1f80);
    }

    @Test
    void layoutKeepsTheBootStructuresApart() {
        assertThat(Layout.GDT + 32).isLessThanOrEqualTo(Layout.IDT);
        assertThat(Layout.ZERO_PAGE + BootParams.SIZE).isLessThanOrEqualTo(Layout.CMDLINE);
        assertThat(Layout.CMDLINE + Layout.CMDLINE_MAX).isLessThanOrEqualTo(Layout.EBDA_START);
        assertThat(Layout.IDENTITY_MAP_ADDRESS + 0x1000).isEqualTo(Layout.TSS_ADDRESS);
    }

    @Test
    void tssAndIdentityMapLieInTheHoleClearOfTheApics() {
        long start = Layout.IDENTITY_MAP_ADDRESS;
        long end = Layout.TSS_ADDRESS + 3 * 0x1000; // VT-x's real-mode TSS takes three pages
        assertThat(start).as("no guest RAM there").isGreaterThanOrEqualTo(Layout.MMIO_HOLE_START);
        assertThat(end).isLessThanOrEqualTo(Layout.HIGH_RAM_START);
        assertThat(end <= IOAPIC || start >= IOAPIC + 0x1000).as("clear of the IOAPIC page").isTrue();
        assertThat(end <= LAPIC || start >= LAPIC + 0x1000).as("clear of the local APIC page").isTrue();
    }
}
