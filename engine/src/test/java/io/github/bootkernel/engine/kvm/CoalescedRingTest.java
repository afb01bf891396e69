package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CoalescedRing} over a fake page laid out as KVM's {@code struct kvm_coalesced_mmio_ring}:
 * entries come out in order across the wrap, the indices advance as KVM expects, and a corrupt page
 * is refused before anything is read from outside it.
 */
class CoalescedRingTest {

    /** A page in the heap, written here the way KVM writes the real one. */
    private static final class FakePage implements CoalescedRing.Page {
        final ByteBuffer page = ByteBuffer.allocate(CoalescedRing.PAGE_SIZE).order(ByteOrder.nativeOrder());
        boolean closed;

        /** What KVM's coalesced_mmio_write does: fill the entry at last, then advance last. */
        void record(boolean pio, long address, byte... data) {
            int last = page.getInt(CoalescedRing.LAST);
            int at = CoalescedRing.HEADER_SIZE + last * CoalescedRing.ENTRY_SIZE;
            page.putLong(at + CoalescedRing.ENTRY_ADDR, address);
            page.putInt(at + CoalescedRing.ENTRY_LEN, data.length);
            page.putInt(at + CoalescedRing.ENTRY_PIO, pio ? 1 : 0);
            page.put(at + CoalescedRing.ENTRY_DATA, data);
            page.putInt(CoalescedRing.LAST, (last + 1) % CoalescedRing.MAX_ENTRIES);
        }

        @Override
        public int getIntAcquire(int offset) {
            return page.getInt(offset);
        }

        @Override
        public void setIntRelease(int offset, int value) {
            page.putInt(offset, value);
        }

        @Override
        public void read(int offset, byte[] dst, int count) {
            page.get(offset, dst, 0, count);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record Write(boolean pio, long address, List<Byte> data) { }

    private final FakePage page = new FakePage();
    private final List<Write> writes = new ArrayList<>();
    private final CoalescedRing ring = new CoalescedRing(page, (pio, address, data, length) -> {
        List<Byte> bytes = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            bytes.add(data[i]);
        }
        writes.add(new Write(pio, address, bytes));
    });

    @Test
    void oneEntryPerPageAsKvmSizesIt() {
        assertThat(CoalescedRing.MAX_ENTRIES).isEqualTo(170); // (4096 - 8) / 24, KVM_COALESCED_MMIO_MAX
    }

    @Test
    void anEmptyRingDeliversNothing() {
        assertThat(ring.drain()).isZero();
        assertThat(writes).isEmpty();
    }

    @Test
    void writesComeOutInOrderAndFreeTheirEntries() {
        page.record(true, 0x3f8, (byte) 'h');
        page.record(true, 0x3f8, (byte) 'i');
        page.record(false, 0xfeb00000L, (byte) 1, (byte) 2, (byte) 3, (byte) 4);

        assertThat(ring.drain()).isEqualTo(3);

        assertThat(writes).containsExactly(new Write(true, 0x3f8, List.of((byte) 'h')),
                new Write(true, 0x3f8, List.of((byte) 'i')),
                new Write(false, 0xfeb00000L, List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4)));
        assertThat(page.page.getInt(CoalescedRing.FIRST)).isEqualTo(3);
        assertThat(ring.drain()).isZero();
        assertThat(ring.drainedCount()).isEqualTo(3);
    }

    @Test
    void theRingWrapsAroundWithoutLosingOrReorderingAWrite() {
        int total = 3 * CoalescedRing.MAX_ENTRIES + 7;
        int recorded = 0;
        while (recorded < total) {
            int batch = Math.min(CoalescedRing.MAX_ENTRIES - 1, total - recorded); // KVM keeps one slot free
            for (int i = 0; i < batch; i++) {
                page.record(true, 0x2f8, (byte) (recorded + i));
            }
            recorded += batch;
            ring.drain();
        }

        assertThat(writes).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(writes.get(i).data()).as("write %d", i).containsExactly((byte) i);
        }
    }

    @Test
    void indicesOutsideThePageAreRefusedBeforeAnEntryIsRead() {
        page.page.putInt(CoalescedRing.LAST, CoalescedRing.MAX_ENTRIES);

        assertThatThrownBy(ring::drain).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("indices out of range").hasMessageContaining("last 170");
        page.page.putInt(CoalescedRing.LAST, 1);
        page.page.putInt(CoalescedRing.FIRST, -1);
        assertThatThrownBy(ring::drain).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("first -1");
        assertThat(writes).isEmpty();
    }

    @Test
    void anEntryLongerThanEightBytesIsRefused() {
        page.record(true, 0x3f8, (byte) 'x');
        page.page.putInt(CoalescedRing.HEADER_SIZE + CoalescedRing.ENTRY_LEN, 9);

        assertThatThrownBy(ring::drain).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 0 has length 9");
        assertThat(writes).isEmpty();
    }

    @Test
    void aWriteToAnAddressIsPendingUntilDrainedAndOthersDoNotCount() {
        assertThat(ring.pending(0x3f8)).as("empty").isFalse();
        page.record(true, 0x2f8, (byte) 'a');
        page.record(true, 0x3f8, (byte) 'b');

        assertThat(ring.pending(0x3f8)).isTrue();
        assertThat(ring.pending(0x2f8)).isTrue();
        assertThat(ring.pending(0x60)).isFalse();
        ring.drain();
        assertThat(ring.pending(0x3f8)).isFalse();
        page.page.putInt(CoalescedRing.LAST, CoalescedRing.MAX_ENTRIES);
        assertThat(ring.pending(0x3f8)).as("indices out of range: the next drain refuses them").isTrue();
    }

    @Test
    void aDrainInProgressCountsAsPendingAndIsNotWaitedFor() throws Exception {
        CountDownLatch inSink = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CoalescedRing blocking = new CoalescedRing(page, (pio, address, data, length) -> {
            inSink.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        page.record(true, 0x3f8, (byte) 'x');
        Thread drainer = new Thread(blocking::drain, "drainer");
        drainer.start();
        try {
            assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(blocking.pending(0x60)).as("a drain is handing writes over").isTrue();
        } finally {
            release.countDown();
            drainer.join(10_000);
        }
        assertThat(drainer.isAlive()).isFalse();
        assertThat(blocking.pending(0x3f8)).isFalse();
    }

    @Test
    void afterCloseDrainsDoNothingAndThePageIsReleasedOnce() {
        page.record(true, 0x3f8, (byte) 'x');
        ring.close();
        ring.close();

        assertThat(page.closed).isTrue();
        assertThat(ring.drain()).isZero();
        assertThat(ring.pending(0x3f8)).isFalse();
        assertThat(writes).isEmpty();
    }
}
