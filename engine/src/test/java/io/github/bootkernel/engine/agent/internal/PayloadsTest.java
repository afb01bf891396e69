package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Payload fields (little-endian integers, strings with their limits, raw bytes) and the payload
 * of every frame type with fields, both ways, with what decoding refuses.
 */
class PayloadsTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void integersAreLittleEndian() {
        byte[] p = new PayloadWriter().u8(0xab).u16(0x1234).u32(0xfffffffeL).u64(Long.MAX_VALUE).i32(-2).toBytes();
        assertThat(HEX.formatHex(p)).isEqualTo("ab" + "3412" + "feffffff" + "ffffffffffffff7f" + "feffffff");
        PayloadReader r = new PayloadReader(p);
        assertThat(r.u8()).isEqualTo(0xab);
        assertThat(r.u16()).isEqualTo(0x1234);
        assertThat(r.u32()).isEqualTo(0xfffffffeL);
        assertThat(r.u64()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.i32()).isEqualTo(-2);
        r.end();
    }

    @Test
    void integersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new PayloadWriter().u16(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PayloadWriter().u32(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PayloadWriter().u32(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PayloadWriter().u64(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PayloadReader(HEX.parseHex("0000000000000080")).u64())
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("a u64 at payload byte 0 is 2^63 or more: 9223372036854775808");
    }

    @Test
    void aPayloadThatEndsInsideAFieldOrHasBytesLeftIsRefused() {
        assertThatThrownBy(() -> new PayloadReader(new byte[] {1, 2, 3}).u32())
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("the payload ends inside a u32 at byte 0: it needs 4 bytes, 3 are left");
        PayloadReader r = new PayloadReader(new byte[] {1, 0, 7, 7});
        r.u16();
        assertThatThrownBy(r::end).hasMessage("2 bytes after the last field, at payload byte 2");
        assertThatThrownBy(() -> new PayloadReader(HEX.parseHex("0500616263")).str())
                .hasMessage("the payload ends inside a string at byte 2: it needs 5 bytes, 3 are left");
    }

    @Test
    void stringsUpTo4096BytesPassAndLongerOnesAreRefusedBothWays() {
        String max = "é".repeat(2048); // 4096 bytes of UTF-8
        byte[] p = new PayloadWriter().str("").str(max).str("ü∑😀").toBytes();
        PayloadReader r = new PayloadReader(p);
        assertThat(r.str()).isEmpty();
        assertThat(r.str()).isEqualTo(max);
        assertThat(r.str()).isEqualTo("ü∑😀");
        r.end();

        assertThatThrownBy(() -> new PayloadWriter().str(max + "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a string of 4097 UTF-8 bytes is above the protocol's limit of 4096");
        byte[] over = new byte[2 + 4097];
        over[0] = 0x01;
        over[1] = 0x10;
        java.util.Arrays.fill(over, 2, over.length, (byte) 'a');
        assertThatThrownBy(() -> new PayloadReader(over).str()).isInstanceOf(MalformedPayloadException.class)
                .hasMessage("a string at payload byte 0 has 4097 bytes, above the limit of 4096");
    }

    @Test
    void stringsWithNulOrBadUtf8AreRefused() {
        assertThatThrownBy(() -> new PayloadWriter().str("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PayloadReader(HEX.parseHex("0300610062")).str())
                .hasMessage("a string at payload byte 0 holds a NUL byte");
        assertThatThrownBy(() -> new PayloadReader(HEX.parseHex("0200c328")).str())
                .hasMessage("a string at payload byte 0 is not valid UTF-8");
    }

    @Test
    void everyPayloadGoesBothWays() {
        List<String> argv = List.of("/bin/sh", "-c", "echo ü; exit 7");
        assertThat(Payloads.Hello.decode(new Payloads.Hello(1, 2, 1 << 20, "bootkernel-agent 1").encode()))
                .isEqualTo(new Payloads.Hello(1, 2, 1 << 20, "bootkernel-agent 1"));
        assertThat(Payloads.Welcome.decode(new Payloads.Welcome(1, 65536).encode())).isEqualTo(new Payloads.Welcome(1, 65536));
        Payloads.ExecRequest exec = new Payloads.ExecRequest(0, argv, List.of("A=1", "B="), "/tmp");
        assertThat(Payloads.ExecRequest.decode(exec.encode())).isEqualTo(exec);
        assertThat(Payloads.Started.decode(new Payloads.Started(0xffffffffL).encode()).pid()).isEqualTo(0xffffffffL);
        assertThat(Payloads.Exited.decode(new Payloads.Exited(255).encode()).status()).isEqualTo(255);
        assertThat(Payloads.Signaled.decode(new Payloads.Signaled(9, true).encode())).isEqualTo(new Payloads.Signaled(9, true));
        assertThat(Payloads.Kill.decode(new Payloads.Kill(15).encode()).signal()).isEqualTo(15);
        assertThat(Payloads.Put.decode(new Payloads.Put("/a b", 0755, 1L << 40).encode()))
                .isEqualTo(new Payloads.Put("/a b", 0755, 1L << 40));
        assertThat(Payloads.FileInfo.decode(new Payloads.FileInfo(07777, 0).encode())).isEqualTo(new Payloads.FileInfo(07777, 0));
        assertThat(Payloads.End.decode(new Payloads.End(65537, 0xcbf43926L).encode()))
                .isEqualTo(new Payloads.End(65537, 0xcbf43926L));
        assertThat(Payloads.Get.decode(new Payloads.Get("/etc/os-release", Long.MAX_VALUE).encode()))
                .isEqualTo(new Payloads.Get("/etc/os-release", Long.MAX_VALUE));
        assertThat(Payloads.ErrorReply.decode(new Payloads.ErrorReply(2, "No such file or directory").encode()))
                .isEqualTo(new Payloads.ErrorReply(2, "No such file or directory"));
        assertThat(Payloads.Fatal.decode(new Payloads.Fatal("bad CRC").encode())).isEqualTo(new Payloads.Fatal("bad CRC"));
        Payloads.empty(new byte[0]);
    }

    @Test
    void klogLostAndRecordsAreAsTheSpecSays() {
        assertThat(HEX.formatHex(new Payloads.Klog(0x0102).encode())).isEqualTo("0201000000000000");
        assertThat(Payloads.Klog.decode(new Payloads.Klog(Long.MAX_VALUE).encode()).fromSequence()).isEqualTo(Long.MAX_VALUE);
        assertThat(Payloads.Lost.decode(HEX.parseHex("0500000000000000")).countHint()).isEqualTo(5);
        assertMalformed(new byte[7], Payloads.Lost::decode, "the payload ends inside a u64 at byte 0: it needs 8 bytes, 7 are left");

        byte[] wire = HEX.parseHex("0300" + "616263" + "0100" + "0a");
        assertThat(Payloads.records(wire)).containsExactly("abc".getBytes(StandardCharsets.US_ASCII), new byte[] {'\n'});
        assertThat(Payloads.encodeRecords(List.of("abc".getBytes(StandardCharsets.US_ASCII), new byte[] {'\n'})))
                .isEqualTo(wire);
        byte[] longest = new byte[Payloads.MAX_RECORD];
        assertThat(Payloads.records(Payloads.encodeRecords(List.of(longest)))).singleElement().isEqualTo(longest);
    }

    @Test
    void recordsWhoseLengthsDoNotFitThePayloadAreRefused() {
        assertMalformed(new byte[0], Payloads::records, "a RECORDS payload holds no record");
        assertMalformed(HEX.parseHex("0000"), Payloads::records, "record 0 at byte 0 has 0 bytes, expected 1 to 8192");
        assertMalformed(HEX.parseHex("0120" + "00".repeat(8193)), Payloads::records,
                "record 0 at byte 0 has 8193 bytes, expected 1 to 8192");
        assertMalformed(HEX.parseHex("0100" + "41" + "0500" + "41424344"), Payloads::records,
                "record 1 at byte 3 has 5 bytes, but only 4 are left in the payload");
        assertMalformed(HEX.parseHex("0100" + "41" + "05"), Payloads::records,
                "the payload ends inside the length of record 1 at byte 3");
        assertMalformed(HEX.parseHex("ffff"), Payloads::records, "record 0 at byte 0 has 65535 bytes, expected 1 to 8192");
        assertThatThrownBy(() -> Payloads.encodeRecords(List.of(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theExecLayoutIsAsTheSpecSays() {
        byte[] p = new Payloads.ExecRequest(0, List.of("ls"), List.of("A=1"), "").encode();
        assertThat(HEX.formatHex(p)).isEqualTo("00000000" + "0100" + "0200" + "6c73" + "0100" + "0300" + "413d31" + "0000");
    }

    @Test
    void argcAndEnvcUpTo1024PassAndMoreAreRefused() {
        List<String> many = Collections.nCopies(1024, "x");
        List<String> env = Collections.nCopies(1024, "X=1");
        Payloads.ExecRequest max = new Payloads.ExecRequest(0, many, env, "/");
        assertThat(Payloads.ExecRequest.decode(max.encode())).isEqualTo(max);

        assertThatThrownBy(() -> Payloads.ExecRequest.decode(execWire(1025, 0)))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("1025 arguments, more than 1024");
        assertThatThrownBy(() -> Payloads.ExecRequest.decode(execWire(1, 1025)))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("1025 environment entries, more than 1024");
        assertThatThrownBy(() -> Payloads.ExecRequest.decode(execWire(0, 0)))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("0 arguments, expected 1 to 1024");
        List<String> tooMany = new ArrayList<>(many);
        tooMany.add("y");
        assertThatThrownBy(() -> new Payloads.ExecRequest(0, tooMany, List.of(), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesOutOfRangeDoNotParse() {
        assertMalformed(new PayloadWriter().i32(256).toBytes(), Payloads.Exited::decode, "exit status 256, expected 0 to 255");
        assertMalformed(new PayloadWriter().i32(-1).toBytes(), Payloads.Exited::decode, "exit status -1, expected 0 to 255");
        assertMalformed(new PayloadWriter().u32(0).u8(0).toBytes(), Payloads.Signaled::decode, "signal 0, expected 1 to 64");
        assertMalformed(new PayloadWriter().u32(65).u8(0).toBytes(), Payloads.Signaled::decode, "signal 65, expected 1 to 64");
        assertMalformed(new PayloadWriter().u32(9).u8(2).toBytes(), Payloads.Signaled::decode, "core_dumped 2, expected 0 or 1");
        assertMalformed(new PayloadWriter().u32(0).toBytes(), Payloads.Kill::decode, "signal 0, expected 1 to 64");
        assertMalformed(new PayloadWriter().u32(010000).u64(1).toBytes(), Payloads.FileInfo::decode,
                "mode 010000, expected at most 07777");
        assertMalformed(new PayloadWriter().str("/x").u32(010000).u64(1).toBytes(), Payloads.Put::decode,
                "mode 010000, expected at most 07777");
        assertMalformed(new PayloadWriter().u16(2).u16(1).u32(65536).str("a").toBytes(), Payloads.Hello::decode,
                "versions 2 to 1");
        assertMalformed(new PayloadWriter().u16(1).u16(1).u32(65535).str("a").toBytes(), Payloads.Hello::decode,
                "a maximum payload of 65535 bytes, below the least 65536");
        assertMalformed(new PayloadWriter().u32(1).u16(1).str("ls").u16(0).str("").toBytes(),
                Payloads.ExecRequest::decode, "EXEC flags 0x1, expected 0");
        assertMalformed(new PayloadWriter().u32(0).u16(1).str("ls").u16(1).str("NOVALUE").str("").toBytes(),
                Payloads.ExecRequest::decode, "an environment entry without NAME=");
        assertMalformed(new byte[] {0}, p -> {
            Payloads.empty(p);
            return null;
        }, "1 bytes after the last field, at payload byte 0");
    }

    private static void assertMalformed(byte[] payload, java.util.function.Function<byte[], ?> decode, String message) {
        assertThatThrownBy(() -> decode.apply(payload)).isInstanceOf(MalformedPayloadException.class).hasMessage(message);
    }

    /** An EXEC payload with argc and envc as given, whatever their limits. */
    private static byte[] execWire(int argc, int envc) {
        PayloadWriter w = new PayloadWriter().u32(0).u16(argc);
        for (int i = 0; i < argc; i++) {
            w.str("a");
        }
        w.u16(envc);
        for (int i = 0; i < envc; i++) {
            w.str("A=1");
        }
        return w.str("").toBytes();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reseedCarriesTheWallClockAndTheEntropyBothWays() {
        byte[] entropy = new byte[64];
        for (int i = 0; i < entropy.length; i++) {
            entropy[i] = (byte) i;
        }
        byte[] p = new Payloads.Reseed(1_764_470_000_123_456_789L, entropy).encode();

        assertThat(HEX.formatHex(p, 0, 8)).isEqualTo("152d31d61da87c18"); // 1764470000123456789, little-endian
        assertThat(p).hasSize(8 + 64);
        assertThat(Payloads.Reseed.decode(p)).isEqualTo(new Payloads.Reseed(1_764_470_000_123_456_789L, entropy));
        assertThat(Payloads.Reseed.decode(p).entropy()).isEqualTo(entropy);
    }

    @Test
    void reseedRefusesTooLittleOrTooMuchEntropyAndANegativeClock() {
        assertThatThrownBy(() -> new Payloads.Reseed(1, new byte[63])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("63 bytes of entropy, expected 64 to 512");
        assertThatThrownBy(() -> new Payloads.Reseed(1, new byte[513])).hasMessage("513 bytes of entropy, expected 64 to 512");
        assertThatThrownBy(() -> new Payloads.Reseed(-1, new byte[64])).hasMessage("a wall clock of -1 ns");
        assertThatThrownBy(() -> Payloads.Reseed.decode(new byte[8 + 63])).isInstanceOf(MalformedPayloadException.class)
                .hasMessage("63 bytes of entropy, expected 64 to 512");
        assertThatThrownBy(() -> Payloads.Reseed.decode(new byte[7])).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void aReseedPayloadHasFreshEntropyAndTheWallClockNow() {
        long before = System.currentTimeMillis();
        Payloads.Reseed a = Payloads.Reseed.decode(ReseedCall.payload());
        Payloads.Reseed b = Payloads.Reseed.decode(ReseedCall.payload());
        long after = System.currentTimeMillis();

        assertThat(a.entropy()).hasSize(Payloads.MIN_RESEED_BYTES).isNotEqualTo(b.entropy());
        assertThat(a.realtimeNanos() / 1_000_000).isBetween(before - 1, after + 1);
    }
}
