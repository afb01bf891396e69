package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Pins every size and offset in {@link KvmStructs}, and checks that the struct classes read and write
 * their fields where the kernel expects them.
 *
 * <p>The expected numbers were printed by a C program compiled with gcc 12.2 against
 * {@code /usr/include/linux/kvm.h} (Debian linux-libc-dev 6.1) on x86_64, using
 * {@code sizeof(struct X)} and {@code offsetof(struct X, field)} for each struct and field named
 * below (for {@code kvm_run}: {@code offsetof(struct kvm_run, io.port)} and so on through the exit
 * union). {@code KERNEL_SIGSET} is the kernel's {@code _NSIG / 8} = 64 / 8, not a libc sigset_t.
 */
class KvmStructsTest {

    @Test
    void hostIsLittleEndian() {
        // Every offset below assumes x86_64; the structs are held in native order.
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Nested
    class Sizes {
        @Test
        void structSizes() {
            assertThat(KvmStructs.REGS).isEqualTo(144);
            assertThat(KvmStructs.SEGMENT).isEqualTo(24);
            assertThat(KvmStructs.DTABLE).isEqualTo(16);
            assertThat(KvmStructs.SREGS).isEqualTo(312);
            assertThat(KvmStructs.FPU).isEqualTo(416);
            assertThat(KvmStructs.LAPIC_STATE).isEqualTo(1024);
            assertThat(KvmStructs.CPUID2_HEADER).isEqualTo(8);
            assertThat(KvmStructs.CPUID_ENTRY).isEqualTo(40);
            assertThat(KvmStructs.MSRS_HEADER).isEqualTo(8);
            assertThat(KvmStructs.MSR_ENTRY).isEqualTo(16);
            assertThat(KvmStructs.MEMORY_REGION).isEqualTo(32);
            assertThat(KvmStructs.PIT_CONFIG).isEqualTo(64);
            assertThat(KvmStructs.IRQ_LEVEL).isEqualTo(8);
            assertThat(KvmStructs.COALESCED_MMIO_ZONE).isEqualTo(16);
            assertThat(KvmStructs.SIGNAL_MASK_HEADER).isEqualTo(4);
            assertThat(KvmStructs.KERNEL_SIGSET).isEqualTo(8);
            assertThat(KvmStructs.RUN_SIZE).isEqualTo(2352);
        }
    }

    @Nested
    class Offsets {
        @Test
        void kvmSegment() {
            assertThat(KvmStructs.SEGMENT_BASE).isEqualTo(0);
            assertThat(KvmStructs.SEGMENT_LIMIT).isEqualTo(8);
            assertThat(KvmStructs.SEGMENT_SELECTOR).isEqualTo(12);
            assertThat(KvmStructs.SEGMENT_TYPE).isEqualTo(14);
            assertThat(KvmStructs.SEGMENT_PRESENT).isEqualTo(15);
            assertThat(KvmStructs.SEGMENT_DPL).isEqualTo(16);
            assertThat(KvmStructs.SEGMENT_DB).isEqualTo(17);
            assertThat(KvmStructs.SEGMENT_S).isEqualTo(18);
            assertThat(KvmStructs.SEGMENT_L).isEqualTo(19);
            assertThat(KvmStructs.SEGMENT_G).isEqualTo(20);
            assertThat(KvmStructs.SEGMENT_AVL).isEqualTo(21);
            assertThat(KvmStructs.SEGMENT_UNUSABLE).isEqualTo(22);
        }

        @Test
        void kvmDtable() {
            assertThat(KvmStructs.DTABLE_BASE).isEqualTo(0);
            assertThat(KvmStructs.DTABLE_LIMIT).isEqualTo(8);
        }

        @Test
        void kvmSregs() {
            assertThat(KvmStructs.SREGS_GDT).isEqualTo(192);
            assertThat(KvmStructs.SREGS_IDT).isEqualTo(208);
            assertThat(KvmStructs.SREGS_CR0).isEqualTo(224);
            assertThat(KvmStructs.SREGS_CR2).isEqualTo(232);
            assertThat(KvmStructs.SREGS_CR3).isEqualTo(240);
            assertThat(KvmStructs.SREGS_CR4).isEqualTo(248);
            assertThat(KvmStructs.SREGS_CR8).isEqualTo(256);
            assertThat(KvmStructs.SREGS_EFER).isEqualTo(264);
            assertThat(KvmStructs.SREGS_APIC_BASE).isEqualTo(272);
            assertThat(KvmStructs.SREGS_INTERRUPT_BITMAP).isEqualTo(280);
        }

        @Test
        void kvmSregsSegmentsInDeclarationOrder() {
            // offsetof(struct kvm_sregs, cs/ds/es/fs/gs/ss/tr/ldt) = 0, 24, 48, 72, 96, 120, 144, 168
            assertThat(Sregs.Seg.CS.offset()).isEqualTo(0);
            assertThat(Sregs.Seg.DS.offset()).isEqualTo(24);
            assertThat(Sregs.Seg.ES.offset()).isEqualTo(48);
            assertThat(Sregs.Seg.FS.offset()).isEqualTo(72);
            assertThat(Sregs.Seg.GS.offset()).isEqualTo(96);
            assertThat(Sregs.Seg.SS.offset()).isEqualTo(120);
            assertThat(Sregs.Seg.TR.offset()).isEqualTo(144);
            assertThat(Sregs.Seg.LDT.offset()).isEqualTo(168);
        }

        @Test
        void kvmFpu() {
            assertThat(KvmStructs.FPU_FCW).isEqualTo(128);
            assertThat(KvmStructs.FPU_FSW).isEqualTo(130);
            assertThat(KvmStructs.FPU_FTWX).isEqualTo(132);
            assertThat(KvmStructs.FPU_LAST_OPCODE).isEqualTo(134);
            assertThat(KvmStructs.FPU_LAST_IP).isEqualTo(136);
            assertThat(KvmStructs.FPU_LAST_DP).isEqualTo(144);
            assertThat(KvmStructs.FPU_XMM).isEqualTo(152);
            assertThat(KvmStructs.FPU_MXCSR).isEqualTo(408);
        }

        @Test
        void kvmCpuidEntry2() {
            assertThat(KvmStructs.CPUID_FUNCTION).isEqualTo(0);
            assertThat(KvmStructs.CPUID_INDEX).isEqualTo(4);
            assertThat(KvmStructs.CPUID_FLAGS).isEqualTo(8);
            assertThat(KvmStructs.CPUID_EAX).isEqualTo(12);
            assertThat(KvmStructs.CPUID_EBX).isEqualTo(16);
            assertThat(KvmStructs.CPUID_ECX).isEqualTo(20);
            assertThat(KvmStructs.CPUID_EDX).isEqualTo(24);
        }

        @Test
        void kvmMsrEntry() {
            assertThat(KvmStructs.MSR_INDEX).isEqualTo(0);
            assertThat(KvmStructs.MSR_DATA).isEqualTo(8);
        }

        @Test
        void kvmUserspaceMemoryRegion() {
            assertThat(KvmStructs.MEMORY_REGION_SLOT).isEqualTo(0);
            assertThat(KvmStructs.MEMORY_REGION_FLAGS).isEqualTo(4);
            assertThat(KvmStructs.MEMORY_REGION_GUEST_PHYS_ADDR).isEqualTo(8);
            assertThat(KvmStructs.MEMORY_REGION_MEMORY_SIZE).isEqualTo(16);
            assertThat(KvmStructs.MEMORY_REGION_USERSPACE_ADDR).isEqualTo(24);
        }

        @Test
        void kvmCoalescedMmioZone() {
            assertThat(KvmStructs.COALESCED_MMIO_ZONE_ADDR).isEqualTo(0);
            assertThat(KvmStructs.COALESCED_MMIO_ZONE_SIZE).isEqualTo(8);
            assertThat(KvmStructs.COALESCED_MMIO_ZONE_PIO).isEqualTo(12);
        }

        @Test
        void kvmIrqLevel() {
            assertThat(KvmStructs.IRQ_LEVEL_IRQ).isEqualTo(0);
            assertThat(KvmStructs.IRQ_LEVEL_LEVEL).isEqualTo(4);
        }

        @Test
        void kvmRunFixedPart() {
            assertThat(KvmStructs.RUN_REQUEST_INTERRUPT_WINDOW).isEqualTo(0);
            assertThat(KvmStructs.RUN_IMMEDIATE_EXIT).isEqualTo(1);
            assertThat(KvmStructs.RUN_EXIT_REASON).isEqualTo(8);
        }

        @Test
        void kvmRunUnionOfUndecodedExits() {
            // offsetof(struct kvm_run, hw.hardware_exit_reason) = ex.exception = debug.arch.exception
            // = 32; ex.error_code 36; debug.arch.pc 40, dr6 48, dr7 56.
            assertThat(KvmStructs.RUN_UNION).isEqualTo(32);
        }

        @Test
        void kvmMpState() {
            assertThat(KvmStructs.MP_STATE).isEqualTo(4);
            // KVM_MP_STATE_RUNNABLE 0, _HALTED 3, _AP_RESET_HOLD 9, _SUSPENDED 10 (MpState's ordinals)
            assertThat(MpState.RUNNABLE.ordinal()).isEqualTo(0);
            assertThat(MpState.HALTED.ordinal()).isEqualTo(3);
            assertThat(MpState.AP_RESET_HOLD.ordinal()).isEqualTo(9);
            assertThat(MpState.SUSPENDED.ordinal()).isEqualTo(10);
            assertThat(MpState.of(3)).isEqualTo(MpState.HALTED);
            assertThat(MpState.of(11)).isEqualTo(MpState.UNKNOWN);
            assertThat(MpState.of(-1)).isEqualTo(MpState.UNKNOWN);
        }

        @Test
        void kvmRunIo() {
            assertThat(KvmStructs.RUN_IO_DIRECTION).isEqualTo(32);
            assertThat(KvmStructs.RUN_IO_SIZE).isEqualTo(33);
            assertThat(KvmStructs.RUN_IO_PORT).isEqualTo(34);
            assertThat(KvmStructs.RUN_IO_COUNT).isEqualTo(36);
            assertThat(KvmStructs.RUN_IO_DATA_OFFSET).isEqualTo(40);
        }

        @Test
        void kvmRunMmio() {
            assertThat(KvmStructs.RUN_MMIO_PHYS_ADDR).isEqualTo(32);
            assertThat(KvmStructs.RUN_MMIO_DATA).isEqualTo(40);
            assertThat(KvmStructs.RUN_MMIO_LEN).isEqualTo(48);
            assertThat(KvmStructs.RUN_MMIO_IS_WRITE).isEqualTo(52);
        }

        @Test
        void kvmRunFailEntryInternalAndSystemEvent() {
            assertThat(KvmStructs.RUN_FAIL_ENTRY_REASON).isEqualTo(32);
            assertThat(KvmStructs.RUN_FAIL_ENTRY_CPU).isEqualTo(40);
            assertThat(KvmStructs.RUN_INTERNAL_SUBERROR).isEqualTo(32);
            assertThat(KvmStructs.RUN_INTERNAL_NDATA).isEqualTo(36);
            assertThat(KvmStructs.RUN_INTERNAL_DATA).isEqualTo(40);
            assertThat(KvmStructs.RUN_SYSTEM_EVENT_TYPE).isEqualTo(32);
            assertThat(KvmStructs.RUN_SYSTEM_EVENT_NDATA).isEqualTo(36);
            assertThat(KvmStructs.RUN_SYSTEM_EVENT_DATA).isEqualTo(40);
        }

        @Test
        void kvmExitReasons() {
            // KVM_EXIT_* (ExitReason's ordinals) and KVM_EXIT_IO_IN/OUT from the same header.
            assertThat(ExitReason.UNKNOWN.ordinal()).isEqualTo(0);
            assertThat(ExitReason.EXCEPTION.ordinal()).isEqualTo(1);
            assertThat(ExitReason.IO.ordinal()).isEqualTo(2);
            assertThat(ExitReason.DEBUG.ordinal()).isEqualTo(4);
            assertThat(ExitReason.HLT.ordinal()).isEqualTo(5);
            assertThat(ExitReason.MMIO.ordinal()).isEqualTo(6);
            assertThat(ExitReason.SHUTDOWN.ordinal()).isEqualTo(8);
            assertThat(ExitReason.FAIL_ENTRY.ordinal()).isEqualTo(9);
            assertThat(ExitReason.INTR.ordinal()).isEqualTo(10);
            assertThat(ExitReason.INTERNAL_ERROR.ordinal()).isEqualTo(17);
            assertThat(ExitReason.SYSTEM_EVENT.ordinal()).isEqualTo(24);
            assertThat(ExitReason.X86_RDMSR.ordinal()).isEqualTo(29);
            assertThat(ExitReason.NOTIFY.ordinal()).isEqualTo(37);
            assertThat(ExitReason.of(17)).isEqualTo(ExitReason.INTERNAL_ERROR);
            assertThat(ExitReason.of(38)).isNull();
            assertThat(ExitReason.of(-1)).isNull();
            assertThat(KvmRun.IO_IN).isEqualTo(0);
            assertThat(KvmRun.IO_OUT).isEqualTo(1);
        }
    }

    @Nested
    class RegsStruct {
        @Test
        void registerOffsetsFollowKvmRegs() {
            // offsetof(struct kvm_regs, rax/rsi/rip/rflags) = 0, 32, 128, 136
            assertThat(Regs.Reg.RAX.offset()).isEqualTo(0);
            assertThat(Regs.Reg.RSI.offset()).isEqualTo(32);
            assertThat(Regs.Reg.RIP.offset()).isEqualTo(128);
            assertThat(Regs.Reg.RFLAGS.offset()).isEqualTo(136);
            assertThat(Regs.Reg.values()).hasSize(KvmStructs.REGS / Long.BYTES);
            assertThat(Regs.Reg.RFLAGS.offset() + Long.BYTES).isEqualTo(KvmStructs.REGS);
        }

        @Test
        void setWritesTheRegisterAtItsOffsetLittleEndian() {
            Regs regs = new Regs().set(Regs.Reg.RIP, 0x1122334455667788L).set(Regs.Reg.RSI, 0x7000);
            assertThat(regs.buffer.capacity()).isEqualTo(144);
            assertThat(regs.buffer.get(128)).isEqualTo((byte) 0x88);
            assertThat(regs.buffer.get(135)).isEqualTo((byte) 0x11);
            assertThat(regs.buffer.getLong(32)).isEqualTo(0x7000);
            assertThat(regs.get(Regs.Reg.RIP)).isEqualTo(0x1122334455667788L);
            assertThat(regs.get(Regs.Reg.RSI)).isEqualTo(0x7000);
            assertThat(regs.get(Regs.Reg.RFLAGS)).isZero();
        }

        @Test
        void everyRegisterIsIndependent() {
            Regs regs = new Regs();
            for (Regs.Reg r : Regs.Reg.values()) {
                regs.set(r, 0x100L + r.ordinal());
            }
            for (Regs.Reg r : Regs.Reg.values()) {
                assertThat(regs.get(r)).as(r.name()).isEqualTo(0x100L + r.ordinal());
                assertThat(regs.buffer.getLong(r.ordinal() * 8)).as(r.name()).isEqualTo(0x100L + r.ordinal());
            }
        }

        @Test
        void toStringNamesRegistersInHex() {
            String text = new Regs().set(Regs.Reg.RIP, 0x100000).toString();
            assertThat(text).contains("rip=0000000000100000").contains("rax=0000000000000000");
        }
    }

    @Nested
    class SregsStruct {
        private final Segment odd = new Segment(0x12345678_9abcdef0L, 0xfedcba98, 0xbeef, 0xa, true, 3,
                false, true, true, false, true, true);

        @Test
        void segmentRoundTripsThroughTheBuffer() {
            Sregs sregs = new Sregs();
            for (Sregs.Seg seg : Sregs.Seg.values()) {
                Segment s = new Segment(0x1000L * (seg.ordinal() + 1), 0xffff + seg.ordinal(), 8 * seg.ordinal(),
                        seg.ordinal() & 0xf, seg.ordinal() % 2 == 0, seg.ordinal() & 3, true, false,
                        seg.ordinal() % 3 == 0, true, false, seg.ordinal() == 7);
                sregs.segment(seg, s);
            }
            for (Sregs.Seg seg : Sregs.Seg.values()) {
                Segment s = sregs.segment(seg);
                assertThat(s.base()).isEqualTo(0x1000L * (seg.ordinal() + 1));
                assertThat(s.limit()).isEqualTo(0xffff + seg.ordinal());
                assertThat(s.selector()).isEqualTo(8 * seg.ordinal());
                assertThat(s.unusable()).isEqualTo(seg.ordinal() == 7);
            }
            sregs.segment(Sregs.Seg.GS, odd);
            assertThat(sregs.segment(Sregs.Seg.GS)).isEqualTo(odd);
        }

        @Test
        void segmentFieldsLandAtKernelOffsets() {
            Sregs sregs = new Sregs().segment(Sregs.Seg.SS, odd);
            int o = 120; // offsetof(struct kvm_sregs, ss)
            assertThat(sregs.buffer.getLong(o)).isEqualTo(0x12345678_9abcdef0L);
            assertThat(sregs.buffer.getInt(o + 8)).isEqualTo(0xfedcba98);
            assertThat(sregs.buffer.getShort(o + 12)).isEqualTo((short) 0xbeef);
            assertThat(bytes(sregs, o + 14, 9)).containsExactly(0xa, 1, 3, 0, 1, 1, 0, 1, 1);
            // The padding byte after 'unusable' and the neighbours stay untouched.
            assertThat(sregs.buffer.get(o + 23)).isZero();
            assertThat(sregs.buffer.get(o - 1)).isZero();
            assertThat(sregs.buffer.get(o + 24)).isZero();
        }

        @Test
        void descriptorTablesAndControlRegisters() {
            Sregs sregs = new Sregs().gdt(0x500, 31).idt(0x520, 0).cr0(0x11).cr3(0x9000).cr4(0x20).efer(0x500);
            assertThat(sregs.buffer.getLong(192)).isEqualTo(0x500);
            assertThat(sregs.buffer.getShort(200)).isEqualTo((short) 31);
            assertThat(sregs.buffer.getLong(208)).isEqualTo(0x520);
            assertThat(sregs.buffer.getShort(216)).isZero();
            assertThat(sregs.buffer.getLong(224)).isEqualTo(0x11);
            assertThat(sregs.buffer.getLong(240)).isEqualTo(0x9000);
            assertThat(sregs.buffer.getLong(248)).isEqualTo(0x20);
            assertThat(sregs.buffer.getLong(264)).isEqualTo(0x500);
            assertThat(sregs.cr0()).isEqualTo(0x11);
            assertThat(sregs.cr3()).isEqualTo(0x9000);
            assertThat(sregs.cr4()).isEqualTo(0x20);
            assertThat(sregs.efer()).isEqualTo(0x500);
            assertThat(sregs.buffer.capacity()).isEqualTo(312);
        }

        @Test
        void gdtLimitIsSixteenBitsAndLeavesPaddingAlone() {
            Sregs sregs = new Sregs().gdt(-1L, 0xffff);
            assertThat(sregs.buffer.getShort(200)).isEqualTo((short) 0xffff);
            assertThat(bytes(sregs, 202, 6)).containsOnly(0);
        }

        @Test
        void toStringListsSegmentsAndControlRegisters() {
            String text = new Sregs().segment(Sregs.Seg.CS, Segment.flat32(0x10, 0xb)).cr0(0x11).toString();
            assertThat(text).contains("cs  sel=0010").contains("limit=ffffffff").contains("cr0=0000000000000011");
        }

        private int[] bytes(Sregs sregs, int from, int n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = Byte.toUnsignedInt(sregs.buffer.get(from + i));
            }
            return out;
        }
    }

    @Nested
    class SegmentDescriptors {
        @Test
        void flat32CodeAndData() {
            assertThat(Segment.flat32(0x10, 0xb).descriptor()).isEqualTo(0x00cf9b000000ffffL);
            assertThat(Segment.flat32(0x18, 0x3).descriptor()).isEqualTo(0x00cf93000000ffffL);
        }

        @Test
        void flat32IsWhatBootProtocolAsks() {
            Segment cs = Segment.flat32(0x10, 0xb);
            assertThat(cs).isEqualTo(new Segment(0, 0xffffffff, 0x10, 0xb, true, 0, true, true, false, true, false,
                    false));
        }

        @Test
        void longModeCodeSegment() {
            // The 64-bit kernel code segment Linux itself uses: L=1, D=0 -> 0x00af9b000000ffff.
            Segment cs64 = new Segment(0, 0xffffffff, 0x10, 0xb, true, 0, false, true, true, true, false, false);
            assertThat(cs64.descriptor()).isEqualTo(0x00af9b000000ffffL);
        }

        @Test
        void baseAndByteGranularLimitAreSplitLikeTheHardwareFormat() {
            // base 0x12345678, limit 0xabcde in bytes, ring 3 data, AVL set.
            Segment s = new Segment(0x12345678L, 0xabcde, 0x2b, 0x3, true, 3, true, true, false, false, true, false);
            assertThat(s.descriptor()).isEqualTo(0x125af3345678bcdeL);
        }

        @Test
        void systemSegmentHasSClearAndNotPresentHasPClear() {
            Segment tss = new Segment(0, 0x67, 0, 0xb, false, 0, false, false, false, false, false, false);
            assertThat(tss.descriptor()).isEqualTo(0x00000b0000000067L);
        }
    }

    @Nested
    class CpuidTables {
        private final List<CpuidEntry> entries = List.of(
                new CpuidEntry(0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69),
                new CpuidEntry(7, 1, 1, -1, 0x11, 0x22, 0x80000000));

        @Test
        void encodesHeaderAndEntriesAtKernelOffsets() {
            CpuidTable table = CpuidTable.of(entries);
            assertThat(table.buffer.capacity()).isEqualTo(8 + 2 * 40);
            assertThat(table.buffer.getInt(0)).isEqualTo(2);
            assertThat(table.buffer.getInt(4)).as("padding").isZero();
            int e1 = 8 + 40;
            assertThat(table.buffer.getInt(e1)).isEqualTo(7);
            assertThat(table.buffer.getInt(e1 + 4)).isEqualTo(1);
            assertThat(table.buffer.getInt(e1 + 8)).isEqualTo(1);
            assertThat(table.buffer.getInt(e1 + 12)).isEqualTo(-1);
            assertThat(table.buffer.getInt(e1 + 16)).isEqualTo(0x11);
            assertThat(table.buffer.getInt(e1 + 20)).isEqualTo(0x22);
            assertThat(table.buffer.getInt(e1 + 24)).isEqualTo(0x80000000);
            for (int pad = e1 + 28; pad < e1 + 40; pad++) {
                assertThat(table.buffer.get(pad)).as("padding byte %d", pad).isZero();
            }
            assertThat(table.buffer.getInt(8 + 16)).isEqualTo(0x756e6547);
        }

        @Test
        void entriesRoundTrip() {
            CpuidTable table = CpuidTable.of(entries);
            assertThat(table.count()).isEqualTo(2);
            assertThat(table.entries()).containsExactlyElementsOf(entries);
        }

        @Test
        void emptyCapacityTableAnnouncesItsSize() {
            CpuidTable table = new CpuidTable(100);
            assertThat(table.buffer.capacity()).isEqualTo(8 + 100 * 40);
            assertThat(table.count()).isEqualTo(100);
            assertThat(table.entries()).hasSize(100).allMatch(e -> e.equals(new CpuidEntry(0, 0, 0, 0, 0, 0, 0)));
        }

        @Test
        void entriesReadOnlyAsManyAsTheKernelReported() {
            CpuidTable table = new CpuidTable(4);
            table.buffer.putInt(0, 1); // KVM_GET_SUPPORTED_CPUID rewrites nent
            table.buffer.putInt(8, 0x40000000);
            assertThat(table.entries()).containsExactly(new CpuidEntry(0x40000000, 0, 0, 0, 0, 0, 0));
        }

        @Test
        void withersReplaceOnlyTheirRegister() {
            CpuidEntry e = new CpuidEntry(1, 2, 3, 4, 5, 6, 7);
            assertThat(e.withEbx(50)).isEqualTo(new CpuidEntry(1, 2, 3, 4, 50, 6, 7));
            assertThat(e.withEcx(60)).isEqualTo(new CpuidEntry(1, 2, 3, 4, 5, 60, 7));
            assertThat(e.withEdx(70)).isEqualTo(new CpuidEntry(1, 2, 3, 4, 5, 6, 70));
        }
    }

    @Nested
    class MsrTables {
        @Test
        void encodesEntriesInIterationOrder() {
            Map<Integer, Long> msrs = new LinkedHashMap<>();
            msrs.put(0x174, 0L);
            msrs.put(0xc0000082, 0xffffffff81000000L);
            msrs.put(0x1a0, 1L);
            MsrTable table = new MsrTable(msrs);
            assertThat(table.buffer.capacity()).isEqualTo(8 + 3 * 16);
            assertThat(table.buffer.getInt(0)).isEqualTo(3);
            assertThat(table.buffer.getInt(4)).as("pad").isZero();
            assertThat(table.buffer.getInt(8)).isEqualTo(0x174);
            assertThat(table.buffer.getLong(16)).isZero();
            assertThat(table.buffer.getInt(24)).isEqualTo(0xc0000082);
            assertThat(table.buffer.getInt(28)).as("reserved").isZero();
            assertThat(table.buffer.getLong(32)).isEqualTo(0xffffffff81000000L);
            assertThat(table.buffer.getInt(40)).isEqualTo(0x1a0);
            assertThat(table.buffer.getLong(48)).isEqualTo(1L);
        }

        @Test
        void emptyTable() {
            MsrTable table = new MsrTable(Map.of());
            assertThat(table.buffer.capacity()).isEqualTo(8);
            assertThat(table.buffer.getInt(0)).isZero();
        }
    }

    @Nested
    class FpuAndLapic {
        @Test
        void fpuControlWordAndMxcsrAtKernelOffsets() {
            Fpu fpu = new Fpu().fcw(0x37f).mxcsr(0x1f80);
            assertThat(fpu.buffer.capacity()).isEqualTo(416);
            assertThat(fpu.buffer.getShort(128)).isEqualTo((short) 0x37f);
            assertThat(fpu.buffer.getInt(408)).isEqualTo(0x1f80);
            assertThat(fpu.fcw()).isEqualTo(0x37f);
            assertThat(fpu.mxcsr()).isEqualTo(0x1f80);
        }

        @Test
        void lapicDeliveryModeKeepsTheOtherBits() {
            LapicState lapic = new LapicState();
            assertThat(lapic.buffer.capacity()).isEqualTo(1024);
            lapic.u32(LapicState.LVT_LINT0, 0x0001_0700 | 0x0f); // masked, mode 7, vector 0x0f
            lapic.u32(LapicState.LVT_LINT1, 0x0000_0200);
            lapic.deliveryMode(LapicState.LVT_LINT0, LapicState.DELIVERY_NMI);
            lapic.deliveryMode(LapicState.LVT_LINT1, LapicState.DELIVERY_EXTINT);
            assertThat(lapic.register(LapicState.LVT_LINT0)).isEqualTo(0x0001_040f);
            assertThat(lapic.register(LapicState.LVT_LINT1)).isEqualTo(0x0000_0700);
            assertThat(lapic.buffer.getInt(0x350)).isEqualTo(0x0001_040f);
            assertThat(lapic.buffer.getInt(0x360)).isEqualTo(0x0000_0700);
        }
    }
}
