package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The KVM parts of a snapshot file: what is written reads back the same, and a part that is not
 * exactly its kernel struct's size, or present where the host offered no such ioctl, is refused
 * before it could reach one ({@link Vcpu#restoreState} hands each to KVM in a buffer of its length).
 */
class KvmStateCodecTest {

    private static final StateSupport ALL = new StateSupport(true, true, true, true, 0, true, true, true, true, 3, true);

    private static VcpuState vcpu(int regsLength) {
        return new VcpuState(0, filled(regsLength, 1), filled(KvmStructs.SREGS, 2), filled(KvmStructs.XSAVE, 3), null,
                filled(KvmStructs.XCRS, 4), filled(KvmStructs.DEBUGREGS, 5), filled(KvmStructs.LAPIC_STATE, 6),
                filled(KvmStructs.VCPU_EVENTS, 7), new int[] {0x10, 0x174}, new long[] {123, -1}, new int[] {0x48},
                2_000_000);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void aVcpuStateReadsBackAsWritten() {
        SnapshotOutput out = new SnapshotOutput();
        KvmStateCodec.write(out, ALL);
        KvmStateCodec.write(out, vcpu(KvmStructs.REGS));
        byte[] bytes = out.toByteArray();
        SnapshotInput in = new SnapshotInput(bytes);
        StateSupport support = KvmStateCodec.readSupport(in);
        VcpuState back = KvmStateCodec.readVcpu(in, support);
        in.expectEnd("the vCPU");
        assertThat(support).isEqualTo(ALL);
        SnapshotOutput again = new SnapshotOutput();
        KvmStateCodec.write(again, support);
        KvmStateCodec.write(again, back);
        assertThat(again.toByteArray()).isEqualTo(bytes);
        assertThat(back.msr(0x174)).isEqualTo(-1L);
        assertThat(back.tscKhz()).isEqualTo(2_000_000);
    }

    @Test
    void aStructOfAnotherSizeIsRefused() {
        SnapshotOutput out = new SnapshotOutput();
        KvmStateCodec.write(out, vcpu(KvmStructs.REGS - 8));
        assertThatThrownBy(() -> KvmStateCodec.readVcpu(new SnapshotInput(out.toByteArray()), ALL))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("kvm_regs at offset 4 has " + (KvmStructs.REGS - 8) + " bytes, not " + KvmStructs.REGS);
    }

    @Test
    void aPartTheHostDidNotOfferIsRefused() {
        SnapshotOutput out = new SnapshotOutput();
        KvmStateCodec.write(out, vcpu(KvmStructs.REGS));
        StateSupport noXcrs = new StateSupport(true, true, true, true, 0, false, true, true, true, 3, true);
        assertThatThrownBy(() -> KvmStateCodec.readVcpu(new SnapshotInput(out.toByteArray()), noXcrs))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("kvm_xcrs is there, though the host did not offer KVM_CAP_XCRS");
        StateSupport xsave2 = new StateSupport(true, true, true, true, 8192, true, true, true, true, 3, true);
        assertThatThrownBy(() -> KvmStateCodec.readVcpu(new SnapshotInput(out.toByteArray()), xsave2))
                .as("with KVM_CAP_XSAVE2 of 8 KiB, XSAVE has 8 KiB").isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessageMatching("kvm_xsave at offset [0-9]+ has 4096 bytes, not 8192");
    }

    @Test
    void aVmStateNeedsThreeChipsInOrder() {
        byte[][] chips = {chip(0), chip(2), chip(1)};
        SnapshotOutput out = new SnapshotOutput();
        KvmStateCodec.write(out, new VmState(chips, new byte[KvmStructs.PIT_STATE2], new byte[KvmStructs.CLOCK_DATA]));
        assertThatThrownBy(() -> KvmStateCodec.readVm(new SnapshotInput(out.toByteArray()), ALL))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessage("kvm_irqchip 1 has chip_id 2");

        SnapshotOutput good = new SnapshotOutput();
        KvmStateCodec.write(good, new VmState(new byte[][] {chip(0), chip(1), chip(2)}, null,
                new byte[KvmStructs.CLOCK_DATA]));
        assertThatThrownBy(() -> KvmStateCodec.readVm(new SnapshotInput(good.toByteArray()), ALL))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("kvm_pit_state2 is missing, though the host offered KVM_CAP_PIT_STATE2");
    }

    private static byte[] chip(int id) {
        byte[] b = new byte[KvmStructs.IRQCHIP];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putInt(0, id);
        return b;
    }
}
