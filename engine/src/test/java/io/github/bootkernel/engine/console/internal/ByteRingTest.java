package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The raw output's fixed buffer: FIFO order across the wrap, refusal when full, never growing. */
class ByteRingTest {

    @Test
    void keepsOrderAcrossTheWrap() {
        ByteRing ring = new ByteRing(4);
        byte[] out = new byte[3];
        for (int b : new int[] {1, 2, 3}) {
            assertThat(ring.offer(b)).isTrue();
        }
        assertThat(ring.poll(new byte[2])).isEqualTo(2);
        for (int b : new int[] {4, 5, 6}) {
            assertThat(ring.offer(b)).isTrue();
        }

        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.poll(out)).isEqualTo(3);
        assertThat(out).containsExactly(3, 4, 5);
        assertThat(ring.poll(out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo((byte) 6);
        assertThat(ring.poll(out)).isZero();
    }

    @Test
    void refusesWhatDoesNotFitAndKeepsTheOlderBytes() {
        ByteRing ring = new ByteRing(2);

        assertThat(ring.offer(0xAA)).isTrue();
        assertThat(ring.offer(0x1BB)).as("only the low 8 bits count").isTrue();
        assertThat(ring.offer(0xCC)).isFalse();
        byte[] out = new byte[8];
        assertThat(ring.poll(out)).isEqualTo(2);
        assertThat(Arrays.copyOf(out, 2)).containsExactly(0xAA, 0xBB);
        assertThat(ring.capacity()).isEqualTo(2);
    }

    @Test
    void clearSaysHowManyBytesItThrewAway() {
        ByteRing ring = new ByteRing(8);
        ring.offer(1);
        ring.offer(2);

        assertThat(ring.clear()).isEqualTo(2);
        assertThat(ring.size()).isZero();
        assertThatThrownBy(() -> new ByteRing(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
