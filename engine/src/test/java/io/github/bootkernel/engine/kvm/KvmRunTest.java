package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decodes a fake {@code kvm_run} page, filled by hand at the offsets {@code KvmStructsTest} pins,
 * through {@link KvmRun}. Needs only an anonymous mapping, not {@code /dev/kvm}: the test fills a
 * heap copy of the page and {@link #store()}s it into the mapping, and {@link #load()}s it back to
 * see what {@code KvmRun} wrote.
 */
class KvmRunTest {

    private static final int PAGE = 4096;
    private static final int EXIT_IO = 2;
    private static final int EXIT_HLT = 5;
    private static final int EXIT_MMIO = 6;
    private static final int EXIT_SHUTDOWN = 8;
    private static final int EXIT_FAIL_ENTRY = 9;
    private static final int EXIT_INTERNAL_ERROR = 17;
    private static final int EXIT_SYSTEM_EVENT = 24;
    private static final int IO_IN = 0;
    private static final int IO_OUT = 1;

    private Mapping mapping;
    private final ByteBuffer page = ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
    private KvmRun run;

    @BeforeEach
    void map() {
        mapping = Mapping.anonymous(PAGE, "test kvm_run");
        run = new KvmRun(mapping);
    }

    @AfterEach
    void unmap() {
        mapping.close();
    }

    private void store() {
        mapping.write(0, page.array(), 0, PAGE);
    }

    private void load() {
        mapping.read(0, page.array(), 0, PAGE);
    }

    private VcpuExit decode(int reason) {
        page.putInt(8, reason);
        store();
        return run.decode();
    }

    private void io(int direction, int size, int port, int count, long dataOffset) {
        page.put(32, (byte) direction);
        page.put(33, (byte) size);
        page.putShort(34, (short) port);
        page.putInt(36, count);
        page.putLong(40, dataOffset);
    }

    @Test
    void immediateExitIsSetAndClearedAlone() {
        run.requestImmediateExit();
        load();
        assertThat(page.get(1)).isEqualTo((byte) 1);
        assertThat(page.get(0)).as("request_interrupt_window untouched").isZero();
        run.clearImmediateExit();
        load();
        assertThat(page.get(1)).isZero();
    }

    @Test
    void exitsWithoutDataDecodeToTheirConstants() {
        assertThat(decode(EXIT_HLT)).isSameAs(VcpuExit.HALT);
        assertThat(decode(EXIT_SHUTDOWN)).isSameAs(VcpuExit.SHUTDOWN);
    }

    @Test
    void portOutCarriesEveryByteOfAStringAccess() {
        io(IO_OUT, 2, 0xfff4, 3, 0x800);
        page.put(0x800, new byte[] {(byte) 0xab, (byte) 0xcd, 1, 2, 3, 4});
        VcpuExit.PortOut out = (VcpuExit.PortOut) decode(EXIT_IO);
        assertThat(out.port()).isEqualTo(0xfff4);
        assertThat(out.size()).isEqualTo(2);
        assertThat(out.count()).isEqualTo(3);
        assertThat(out.data()).containsExactly(0xab, 0xcd, 1, 2, 3, 4);
    }

    @Test
    void portInBytesReachKvmRunOnlyWhenTheRunCompletes() {
        io(IO_IN, 2, 0x3f8, 3, 0x800);
        VcpuExit.PortIn in = (VcpuExit.PortIn) decode(EXIT_IO);
        assertThat(in.data()).hasSize(6).containsOnly(0);
        in.data()[2] = (byte) 0x1ff;
        in.data()[5] = 0x42;
        load();
        assertThat(page.get(0x802)).as("not before completePending").isZero();
        run.completePending();
        load();
        assertThat(page.get(0x802)).isEqualTo((byte) 0xff);
        assertThat(page.get(0x805)).isEqualTo((byte) 0x42);
        assertThat(page.get(0x806)).as("nothing past size * count").isZero();
    }

    @Test
    void aDecodedExitWithoutReplyDropsAnEarlierPendingReply() {
        io(IO_IN, 1, 0x60, 1, 0x800);
        VcpuExit.PortIn in = (VcpuExit.PortIn) decode(EXIT_IO);
        in.data()[0] = 7;
        decode(EXIT_HLT);
        run.completePending();
        load();
        assertThat(page.get(0x800)).isZero();
    }

    @Test
    void ioDataOutsideTheMappingIsRefused() {
        io(IO_IN, 1, 0x80, 1, PAGE - 1);
        assertThat(((VcpuExit.PortIn) decode(EXIT_IO)).data()).containsExactly(0);
        io(IO_IN, 1, 0x80, 2, PAGE - 1);
        assertThatThrownBy(() -> decode(EXIT_IO))
                .isInstanceOf(KvmException.class)
                .hasMessageContaining("io.data_offset")
                .hasMessageContaining("4096-byte");
        io(IO_OUT, 1, 0x80, 1, -8);
        assertThatThrownBy(() -> decode(EXIT_IO)).isInstanceOf(KvmException.class);
        io(IO_OUT, 1, 0x80, 1, Long.MAX_VALUE);
        assertThatThrownBy(() -> decode(EXIT_IO)).isInstanceOf(KvmException.class);
    }

    @Test
    void aHugeRepeatCountIsRefusedBeforeAnythingIsAllocated() {
        io(IO_OUT, 4, 0x80, -1, 0x800); // count 0xffffffff: 16 GiB of data
        assertThatThrownBy(() -> decode(EXIT_IO))
                .isInstanceOf(KvmException.class)
                .hasMessageContaining("4 * 4294967295");
    }

    @Test
    void impossibleSizeOrDirectionIsRefused() {
        io(IO_OUT, 3, 0x80, 1, 0x800);
        assertThatThrownBy(() -> decode(EXIT_IO)).isInstanceOf(KvmException.class)
                .hasMessageContaining("io.size is 3");
        io(2, 1, 0x80, 1, 0x800);
        assertThatThrownBy(() -> decode(EXIT_IO)).isInstanceOf(KvmException.class)
                .hasMessageContaining("io.direction is 2");
    }

    private void mmio(int length, boolean isWrite) {
        page.putLong(32, 0xfee00020L);
        page.putLong(40, 0x1122334455667788L);
        page.putInt(48, length);
        page.put(52, (byte) (isWrite ? 1 : 0));
    }

    @Test
    void mmioWriteCarriesItsBytes() {
        mmio(4, true);
        VcpuExit.MmioWrite write = (VcpuExit.MmioWrite) decode(EXIT_MMIO);
        assertThat(write.address()).isEqualTo(0xfee00020L);
        assertThat(write.data()).containsExactly(0x88, 0x77, 0x66, 0x55);
    }

    @Test
    void mmioReadBytesReplaceMmioData() {
        mmio(8, false);
        VcpuExit.MmioRead read = (VcpuExit.MmioRead) decode(EXIT_MMIO);
        assertThat(read.address()).isEqualTo(0xfee00020L);
        assertThat(read.data()).hasSize(8);
        run.completePending();
        load();
        assertThat(page.getLong(40)).isZero();
        assertThat(page.getInt(48)).as("len untouched").isEqualTo(8);
    }

    @Test
    void mmioLengthBeyondMmioDataIsRefused() {
        page.putInt(48, 9);
        assertThatThrownBy(() -> decode(EXIT_MMIO)).isInstanceOf(KvmException.class)
                .hasMessageContaining("mmio.len is 9");
        page.putInt(48, -1);
        assertThatThrownBy(() -> decode(EXIT_MMIO)).isInstanceOf(KvmException.class)
                .hasMessageContaining("4294967295");
    }

    @Test
    void failEntryInternalErrorAndSystemEvent() {
        page.putLong(32, 0x80000021L);
        page.putInt(40, 3);
        assertThat(decode(EXIT_FAIL_ENTRY)).isEqualTo(new VcpuExit.FailEntry(0x80000021L, 3));

        page.putInt(32, 1);
        page.putInt(36, 2);
        page.putLong(40, 7);
        page.putLong(48, 9);
        page.putLong(56, 11);
        VcpuExit.InternalError internal = (VcpuExit.InternalError) decode(EXIT_INTERNAL_ERROR);
        assertThat(internal.suberror()).isEqualTo(1);
        assertThat(internal.data()).containsExactly(7, 9);

        page.putInt(32, 1); // KVM_SYSTEM_EVENT_SHUTDOWN, ndata 2 as above
        VcpuExit.SystemEvent event = (VcpuExit.SystemEvent) decode(EXIT_SYSTEM_EVENT);
        assertThat(event.type()).isEqualTo(1);
        assertThat(event.typeName()).isEqualTo("KVM_SYSTEM_EVENT_SHUTDOWN");
        assertThat(event.data()).containsExactly(7, 9);
    }

    @Test
    void internalDataIsClampedToSixteenWords() {
        page.putInt(36, 1000);
        assertThat(((VcpuExit.InternalError) decode(EXIT_INTERNAL_ERROR)).data()).hasSize(16);
        page.putInt(36, -5);
        assertThat(((VcpuExit.InternalError) decode(EXIT_INTERNAL_ERROR)).data()).isEmpty();
        page.putInt(36, 1000);
        assertThat(((VcpuExit.SystemEvent) decode(EXIT_SYSTEM_EVENT)).data()).hasSize(16);
    }

    @Test
    void otherReasonsAreUnknownWithTheirKvmName() {
        VcpuExit.Unknown debug = (VcpuExit.Unknown) decode(4);
        assertThat(debug.reason()).isEqualTo(4);
        assertThat(debug.kvmName()).isEqualTo("KVM_EXIT_DEBUG");
        assertThat(debug.describe()).isEqualTo("4 (KVM_EXIT_DEBUG)");
        assertThat(((VcpuExit.Unknown) decode(1)).kvmName()).isEqualTo("KVM_EXIT_EXCEPTION");
        assertThat(((VcpuExit.Unknown) decode(10)).kvmName()).isEqualTo("KVM_EXIT_INTR");
        VcpuExit.Unknown future = (VcpuExit.Unknown) decode(1234);
        assertThat(future.kvmName()).isNull();
        assertThat(future.describe()).isEqualTo("1234");
        assertThat(((VcpuExit.Unknown) decode(-1)).kvmName()).isNull();
    }

    @Test
    void undecodedExitsCarryTheUnionWordsWhereKvmKeepsTheHardwaresReason() {
        page.putLong(32, 0x7bL); // hw.hardware_exit_reason
        VcpuExit.Unknown hardware = (VcpuExit.Unknown) decode(0);
        assertThat(hardware.union()).hasSize(4).startsWith(0x7bL);
        assertThat(hardware.fields()).isEqualTo("hardware_exit_reason 0x7b");

        page.putInt(32, 13); // ex.exception #GP
        page.putInt(36, 0x18); // ex.error_code
        assertThat(((VcpuExit.Unknown) decode(1)).fields()).isEqualTo("exception 13 (#GP), error_code 0x18");

        page.putInt(32, 1); // debug.arch.exception #DB
        page.putInt(36, 0);
        page.putLong(40, 0x100010L); // pc
        page.putLong(48, 0xffff0ff1L); // dr6
        page.putLong(56, 0x401L); // dr7
        assertThat(((VcpuExit.Unknown) decode(4)).fields())
                .isEqualTo("debug exception 1 (#DB), pc 0x100010, dr6 0xffff0ff1, dr7 0x401");
        assertThat(((VcpuExit.Unknown) decode(1234)).fields()).isEmpty();
    }

    @Test
    void afterUnmapEveryAccessThrowsInsteadOfCrashing() {
        io(IO_IN, 1, 0x60, 1, 0x800);
        decode(EXIT_IO);
        mapping.close();
        assertThatThrownBy(run::completePending).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test kvm_run is already unmapped");
        assertThatThrownBy(run::decode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(run::requestImmediateExit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(run::clearImmediateExit).isInstanceOf(IllegalStateException.class);
    }
}
