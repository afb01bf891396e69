package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads a fake {@code kvm_run} page, filled by hand at the offsets {@code KvmStructsTest} pins, through
 * {@link KvmRun}. Needs only an anonymous mapping, not {@code /dev/kvm}.
 */
class KvmRunTest {

    private static final int PAGE = 4096;

    private Mapping mapping;
    private ByteBuffer page;
    private KvmRun run;

    @BeforeEach
    void map() {
        mapping = Mapping.anonymous(PAGE);
        page = mapping.view(0, PAGE);
        run = new KvmRun(mapping);
    }

    @AfterEach
    void unmap() {
        mapping.close();
    }

    @Test
    void exitReasonAndImmediateExit() {
        page.putInt(8, KvmRun.EXIT_IO);
        assertThat(run.exitReason()).isEqualTo(KvmRun.EXIT_IO);
        run.requestImmediateExit();
        assertThat(page.get(1)).isEqualTo((byte) 1);
        assertThat(page.get(0)).as("request_interrupt_window untouched").isZero();
        run.clearImmediateExit();
        assertThat(page.get(1)).isZero();
    }

    @Test
    void portIo() {
        page.put(32, (byte) KvmRun.IO_OUT);
        page.put(33, (byte) 2);
        page.putShort(34, (short) 0xfff4);
        page.putInt(36, 3);
        page.putLong(40, 0x800);
        page.put(0x800, (byte) 0xab);
        page.put(0x801, (byte) 0xcd);
        assertThat(run.ioDirection()).isEqualTo(KvmRun.IO_OUT);
        assertThat(run.ioSize()).isEqualTo(2);
        assertThat(run.ioPort()).isEqualTo(0xfff4);
        assertThat(run.ioCount()).isEqualTo(3);
        assertThat(run.ioData(0)).isEqualTo(0xab);
        assertThat(run.ioData(1)).isEqualTo(0xcd);
        run.ioData(2, 0x1ff);
        assertThat(page.get(0x802)).isEqualTo((byte) 0xff);
    }

    @Test
    void ioDataOutsideTheMappingIsRefused() {
        page.putLong(40, PAGE - 1);
        assertThat(run.ioData(0)).isZero();
        assertThatThrownBy(() -> run.ioData(1))
                .isInstanceOf(KvmException.class)
                .hasMessageContaining("io.data_offset")
                .hasMessageContaining("4096-byte");
        page.putLong(40, -8);
        assertThatThrownBy(() -> run.ioData(0)).isInstanceOf(KvmException.class);
        page.putLong(40, Long.MAX_VALUE);
        assertThatThrownBy(() -> run.ioData(5, 0)).isInstanceOf(KvmException.class);
    }

    @Test
    void mmio() {
        page.putLong(32, 0xfee00020L);
        page.putLong(40, 0x1122334455667788L);
        page.putInt(48, 4);
        page.put(52, (byte) 1);
        assertThat(run.mmioAddress()).isEqualTo(0xfee00020L);
        assertThat(run.mmioLength()).isEqualTo(4);
        assertThat(run.mmioIsWrite()).isTrue();
        run.clearMmioData();
        assertThat(page.getLong(40)).isZero();
        assertThat(page.getInt(48)).as("len untouched").isEqualTo(4);
    }

    @Test
    void failEntryInternalErrorAndSystemEvent() {
        page.putLong(32, 0x80000021L);
        assertThat(run.failEntryReason()).isEqualTo(0x80000021L);

        page.putInt(32, 1);
        page.putInt(36, 2);
        page.putLong(40, 7);
        page.putLong(48, 9);
        page.putLong(56, 11);
        assertThat(run.internalSuberror()).isEqualTo(1);
        assertThat(run.internalData()).containsExactly(7, 9);

        page.putInt(32, 1); // KVM_SYSTEM_EVENT_SHUTDOWN
        assertThat(run.systemEventType()).isEqualTo(1);
    }

    @Test
    void internalDataIsClampedToSixteenWords() {
        page.putInt(36, 1000);
        assertThat(run.internalData()).hasSize(16);
        page.putInt(36, -5);
        assertThat(run.internalData()).isEmpty();
    }
}
