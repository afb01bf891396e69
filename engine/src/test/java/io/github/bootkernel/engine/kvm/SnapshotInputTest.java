package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading a snapshot file's state from bytes that may be damaged: every length is checked first. */
class SnapshotInputTest {

    @Test
    void whatIsWrittenReadsBack() {
        byte[] bytes = new SnapshotOutput().writeInt(-5).writeLong(1L << 40).writeBoolean(true).writeBytes(null)
                .writeString("zwölf").writeInts(new int[] {1, 2}).writeLongs(new long[] {3}).toByteArray();
        SnapshotInput in = new SnapshotInput(bytes);
        assertThat(in.readInt("i")).isEqualTo(-5);
        assertThat(in.readLong("l")).isEqualTo(1L << 40);
        assertThat(in.readBoolean("b")).isTrue();
        assertThat(in.readBytes("null", 10)).isNull();
        assertThat(in.readString("s", 10)).isEqualTo("zwölf");
        assertThat(in.readInts("ints", 2)).containsExactly(1, 2);
        assertThat(in.readLongs("longs", 1)).containsExactly(3L);
        in.expectEnd("everything");
    }

    @Test
    void aLengthBeyondItsLimitOrBeyondTheBytesLeftIsRefusedBeforeAllocating() {
        byte[] huge = new SnapshotOutput().writeInt(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new SnapshotInput(huge).readBytes("the queue", Integer.MAX_VALUE))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("the queue at offset 0 has length 2147483647 but only 0 bytes follow");
        assertThatThrownBy(() -> new SnapshotInput(huge).readInts("the MSRs", 4096))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("the MSRs at offset 0 has length 2147483647, outside -1..4096");
        byte[] negative = new SnapshotOutput().writeInt(-2).toByteArray();
        assertThatThrownBy(() -> new SnapshotInput(negative).readBytes("a frame", 10))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessageContaining("length -2");
    }

    @Test
    void truncatedBadBooleansBadUtf8AndLeftoversAreRefused() {
        assertThatThrownBy(() -> new SnapshotInput(new byte[3]).readInt("the count"))
                .isInstanceOf(SnapshotInput.Malformed.class)
                .hasMessage("the state ends at offset 0 in the count (4 bytes expected, 3 left)");
        assertThatThrownBy(() -> new SnapshotInput(new byte[] {2}).readBoolean("the flag"))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessage("the flag at offset 0 is 2, not a boolean (0 or 1)");
        byte[] latin1 = new SnapshotOutput().writeBytes(new byte[] {(byte) 0xfc}).toByteArray();
        assertThatThrownBy(() -> new SnapshotInput(latin1).readString("the line", 10))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessageStartingWith("the line at offset 0 is not UTF-8");
        assertThatThrownBy(() -> new SnapshotInput(new byte[5]).expectEnd("the log"))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessage("5 bytes follow the log at offset 0");
        assertThatThrownBy(() -> new SnapshotInput(new SnapshotOutput().writeInt(7).toByteArray()).readInt("n", 0, 6))
                .isInstanceOf(SnapshotInput.Malformed.class).hasMessage("n at offset 0 is 7, outside 0..6");
    }
}
