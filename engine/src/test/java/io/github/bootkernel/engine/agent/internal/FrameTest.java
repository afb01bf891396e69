package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The frame format both ways: golden vectors (CRC-32 from Python's zlib, not from this code),
 * every type through the encoder and the decoder, and what the decoder refuses: truncation at
 * every offset, bad magic, bad CRC, non-zero flags, unknown types, types from the wrong side,
 * request id 0 where it does not belong, payloads at and above the maximum.
 */
class FrameTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesAsTheGoldenVectorsSay() {
        byte[] hello = new Payloads.Hello(1, 1, 65536, "bootkernel-agent 1").encode();
        assertThat(HEX.formatHex(Frame.of(FrameType.HELLO, 0, hello).encode(Frame.MAX_PAYLOAD))).isEqualTo(
                "bc4b0100000000001c00000001000100000001001200626f6f746b65726e656c2d6167656e7420312a0774fd");
        assertThat(HEX.formatHex(Frame.of(FrameType.KILL, 5, new Payloads.Kill(9).encode()).encode(Frame.MAX_PAYLOAD)))
                .isEqualTo("bc4b1800050000000400000009000000fd6db1e5");
        assertThat(HEX.formatHex(Frame.of(FrameType.DONE, 0x01020304, new byte[0]).encode(Frame.MAX_PAYLOAD)))
                .isEqualTo("bc4b300004030201000000009276734e");
    }

    @Test
    void decodesTheGoldenVectors() throws IOException {
        Frame hello = read(FrameType.Sender.AGENT, HEX.parseHex(
                "bc4b0100000000001c00000001000100000001001200626f6f746b65726e656c2d6167656e7420312a0774fd"));
        assertThat(Payloads.Hello.decode(hello.payload())).isEqualTo(new Payloads.Hello(1, 1, 65536, "bootkernel-agent 1"));
        Frame kill = read(FrameType.Sender.HOST, HEX.parseHex("bc4b1800050000000400000009000000fd6db1e5"));
        assertThat(kill.type()).isEqualTo(FrameType.KILL);
        assertThat(kill.requestId()).isEqualTo(5);
        assertThat(Payloads.Kill.decode(kill.payload()).signal()).isEqualTo(9);
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void everyTypeGoesBothWays(FrameType type) throws IOException {
        byte[] payload = {1, 2, 3, (byte) 0xff, 0};
        int id = type.channelLevel() ? 0 : 0xfffffffe; // an id above 2^31: unsigned
        FrameType.Sender from = type.sentBy(FrameType.Sender.AGENT) ? FrameType.Sender.AGENT : FrameType.Sender.HOST;
        byte[] bytes = Frame.of(type, id, payload).encode(Frame.MAX_PAYLOAD);
        assertThat(bytes).hasSize(Frame.HEADER_BYTES + payload.length + Frame.TRAILER_BYTES);
        assertThat(bytes[2] & 0xff).isEqualTo(type.code());

        Frame decoded = read(from, bytes);
        assertThat(decoded).isEqualTo(new Frame(type, id, payload, 0));
        FrameType.Sender other = from == FrameType.Sender.AGENT ? FrameType.Sender.HOST : FrameType.Sender.AGENT;
        if (!type.sentBy(other)) {
            assertThatThrownBy(() -> read(other, bytes)).isInstanceOf(BadFrameException.class)
                    .hasMessage("bad frame at stream offset 0 (type " + type.describe() + "): " + type
                            + " is never sent by the " + other.name().toLowerCase());
        }
    }

    @Test
    void framesFollowOneAnotherWithTheirOffsets() throws IOException {
        byte[] a = Frame.of(FrameType.STDOUT, 1, new byte[100]).encode(Frame.MAX_PAYLOAD);
        byte[] b = Frame.of(FrameType.EXITED, 1, new Payloads.Exited(3).encode()).encode(Frame.MAX_PAYLOAD);
        FrameReader reader = new FrameReader(new TrickleStream(concat(a, b)), FrameType.Sender.AGENT, Frame.MAX_PAYLOAD);
        assertThat(reader.read().offset()).isZero();
        Frame second = reader.read();
        assertThat(second.offset()).isEqualTo(a.length);
        assertThat(second.type()).isEqualTo(FrameType.EXITED);
        assertThat(reader.read()).isNull();
        assertThat(reader.offset()).isEqualTo(a.length + b.length);
    }

    @Test
    void aTruncatedFrameIsRefusedAtEveryOffset() throws IOException {
        byte[] whole = Frame.of(FrameType.STDERR, 7, new byte[] {10, 20, 30, 40, 50}).encode(Frame.MAX_PAYLOAD);
        FrameReader empty = new FrameReader(new ByteArrayInputStream(new byte[0]), FrameType.Sender.AGENT, 64);
        assertThat(empty.read()).isNull();
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            String where = cut < 12 ? "header after " + cut + " of 12"
                    : cut < 17 ? "payload after " + (cut - 12) + " of 5" : "CRC-32 after " + (cut - 17) + " of 4";
            String seen = cut < 3 ? "" : cut < 8 ? " (type 0x13 STDERR)" : " (type 0x13 STDERR, request 7)";
            FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(prefix(), part)), FrameType.Sender.AGENT,
                    Frame.MAX_PAYLOAD);
            assertThat(reader.read().offset()).isZero();
            assertThatThrownBy(reader::read)
                    .as("cut at %d", cut).isInstanceOf(BadFrameException.class)
                    .hasMessage("bad frame at stream offset 28" + seen + ": the stream ended inside the " + where + " bytes");
        }
    }

    @Test
    void badMagicIsRefusedAtOnce() {
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, new byte[] {(byte) 0xbc, 0x4c}))
                .hasMessage("bad frame at stream offset 0: bad magic 0xbc 0x4c, expected 0xbc 0x4b");
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, "hi\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .hasMessage("bad frame at stream offset 0: bad magic 0x68 0x69, expected 0xbc 0x4b");
    }

    @Test
    void aFlippedBitInTheIdPayloadOrCrcIsABadCrc() {
        byte[] whole = Frame.of(FrameType.STDOUT, 3, new byte[] {1, 2, 3, 4}).encode(Frame.MAX_PAYLOAD);
        for (int at : new int[] {4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19}) {
            for (int bit = 1; bit < 256; bit <<= 1) {
                byte[] bad = whole.clone();
                bad[at] ^= (byte) bit;
                assertThatThrownBy(() -> read(FrameType.Sender.AGENT, bad)).as("byte %d bit %d", at, bit)
                        .isInstanceOf(BadFrameException.class).hasMessageContaining(": bad CRC-32: the frame says 0x");
            }
        }
    }

    @Test
    void nonZeroFlagsAreRefused() {
        for (int flags : new int[] {0x01, 0x80, 0xff}) {
            byte[] bad = Frame.of(FrameType.STDOUT, 3, new byte[0]).encode(Frame.MAX_PAYLOAD);
            bad[3] = (byte) flags;
            assertThatThrownBy(() -> read(FrameType.Sender.AGENT, bad)).hasMessage(String.format(
                    "bad frame at stream offset 0 (type 0x12 STDOUT, request 3): flags 0x%02x, expected 0", flags));
        }
    }

    @Test
    void unknownTypesAreRefused() {
        EnumSet<FrameType> known = EnumSet.allOf(FrameType.class);
        int unknown = 0;
        for (int code = 0; code < 256; code++) {
            int c = code;
            if (known.stream().anyMatch(t -> t.code() == c)) {
                continue;
            }
            unknown++;
            byte[] bad = Frame.of(FrameType.DATA, 1, new byte[0]).encode(Frame.MAX_PAYLOAD);
            bad[2] = (byte) code;
            assertThatThrownBy(() -> read(FrameType.Sender.AGENT, bad)).hasMessage(String.format(
                    "bad frame at stream offset 0 (type 0x%02x): unknown type 0x%02x", code, code));
        }
        assertThat(unknown).isEqualTo(256 - 23);
    }

    @Test
    void requestIdZeroBelongsToTheChannelOnly() {
        byte[] hello = Frame.of(FrameType.HELLO, 0, new byte[0]).encode(Frame.MAX_PAYLOAD);
        hello[4] = 1;
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, fixCrc(hello)))
                .hasMessage("bad frame at stream offset 0 (type 0x01 HELLO, request 1): HELLO needs request id 0");
        byte[] stdout = Frame.of(FrameType.STDOUT, 1, new byte[0]).encode(Frame.MAX_PAYLOAD);
        stdout[4] = 0;
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, fixCrc(stdout))).hasMessage(
                "bad frame at stream offset 0 (type 0x12 STDOUT, request 0): request id 0 is only for HELLO, WELCOME and FATAL");
        assertThatThrownBy(() -> Frame.of(FrameType.STDOUT, 0, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frame.of(FrameType.FATAL, 2, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void payloadsUpToTheMaximumPassAndLongerOnesAreRefusedBothWays() throws IOException {
        byte[] max = new byte[Frame.MAX_PAYLOAD];
        max[Frame.MAX_PAYLOAD - 1] = 42;
        Frame decoded = read(FrameType.Sender.AGENT, Frame.of(FrameType.DATA, 9, max).encode(Frame.MAX_PAYLOAD));
        assertThat(decoded.payload()).isEqualTo(max);

        assertThatThrownBy(() -> Frame.of(FrameType.DATA, 9, new byte[Frame.MAX_PAYLOAD + 1]).encode(Frame.MAX_PAYLOAD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a DATA payload of 65537 bytes is above the receiver's maximum 65536");
        byte[] over = Frame.of(FrameType.DATA, 9, new byte[Frame.MAX_PAYLOAD + 1]).encode(Integer.MAX_VALUE);
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, over)).hasMessage(
                "bad frame at stream offset 0 (type 0x22 DATA, request 9): payload length 65537 above the maximum 65536");
        // refused from the header alone: the decoder neither allocates nor waits for 4 GiB
        byte[] huge = java.util.Arrays.copyOf(over, Frame.HEADER_BYTES);
        huge[8] = huge[9] = huge[10] = huge[11] = (byte) 0xff;
        assertThatThrownBy(() -> read(FrameType.Sender.AGENT, huge)).hasMessageEndingWith(
                "payload length 4294967295 above the maximum 65536");
    }

    static Frame read(FrameType.Sender from, byte[] bytes) throws IOException {
        return new FrameReader(new ByteArrayInputStream(bytes), from, Frame.MAX_PAYLOAD).read();
    }

    /** A good frame of 28 bytes, to put before another so that offsets are not zero. */
    private static byte[] prefix() {
        return Frame.of(FrameType.STDOUT, 7, new byte[12]).encode(Frame.MAX_PAYLOAD);
    }

    private static byte[] fixCrc(byte[] frame) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(frame, 2, frame.length - 6);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            frame[frame.length - 4 + i] = (byte) (v >>> (8 * i));
        }
        return frame;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Hands out one byte per read, as a slow transport may. */
    private static final class TrickleStream extends InputStream {
        private final byte[] bytes;
        private int at;

        TrickleStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int v = read();
            if (v < 0) {
                return -1;
            }
            b[off] = (byte) v;
            return 1;
        }
    }
}
