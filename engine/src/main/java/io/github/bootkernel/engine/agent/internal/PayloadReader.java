package io.github.bootkernel.engine.agent.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads payload fields one after the other, as {@link PayloadWriter} writes them, and refuses
 * what the protocol does not allow: a payload that ends inside a field, bytes after the last
 * field, a string longer than {@link #MAX_STRING_BYTES}, holding a NUL or not valid UTF-8, a
 * {@code u64} of 2^63 or more. Each refusal is a {@link MalformedPayloadException} that says where.
 */
final class PayloadReader {

    /** The longest string, in UTF-8 bytes. */
    static final int MAX_STRING_BYTES = 4096;

    private final byte[] payload;
    private int at;

    /** @param payload the payload to read; not copied */
    PayloadReader(byte[] payload) {
        this.payload = payload;
    }

    /** @return 0-255 */
    int u8() {
        return (int) get("u8", 1);
    }

    /** @return 0-65535 */
    int u16() {
        return (int) get("u16", 2);
    }

    /** @return 0 to 2^32-1 */
    long u32() {
        return get("u32", 4);
    }

    /** @return 0 to 2^63-1 */
    long u64() {
        int where = at;
        long v = get("u64", 8);
        if (v < 0) {
            throw new MalformedPayloadException("a u64 at payload byte " + where + " is 2^63 or more: "
                    + Long.toUnsignedString(v));
        }
        return v;
    }

    /** @return any int */
    int i32() {
        return (int) get("i32", 4);
    }

    /** @return a string of at most {@link #MAX_STRING_BYTES} UTF-8 bytes without NUL */
    String str() {
        int where = at;
        int n = u16();
        if (n > MAX_STRING_BYTES) {
            throw new MalformedPayloadException("a string at payload byte " + where + " has " + n
                    + " bytes, above the limit of " + MAX_STRING_BYTES);
        }
        need("string", n);
        ByteBuffer utf8 = ByteBuffer.wrap(payload, at, n);
        at += n;
        for (int i = where + 2; i < at; i++) {
            if (payload[i] == 0) {
                throw new MalformedPayloadException("a string at payload byte " + where + " holds a NUL byte");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPayloadException("a string at payload byte " + where + " is not valid UTF-8");
        }
    }

    /** @return the rest of the payload */
    byte[] rest() {
        byte[] b = Arrays.copyOfRange(payload, at, payload.length);
        at = payload.length;
        return b;
    }

    /** Checks that every byte was read. */
    void end() {
        if (at != payload.length) {
            throw new MalformedPayloadException((payload.length - at) + " bytes after the last field, at payload byte " + at);
        }
    }

    private long get(String type, int n) {
        need(type, n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (payload[at + i] & 0xffL) << (8 * i);
        }
        at += n;
        return v;
    }

    private void need(String what, int n) {
        if (payload.length - at < n) {
            throw new MalformedPayloadException("the payload ends inside a " + what + " at byte " + at + ": it needs "
                    + n + " bytes, " + (payload.length - at) + " are left");
        }
    }
}
