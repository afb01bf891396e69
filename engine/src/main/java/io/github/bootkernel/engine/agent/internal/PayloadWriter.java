package io.github.bootkernel.engine.agent.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes payload fields one after the other as the protocol lays them out: little-endian
 * integers, strings as a {@code u16} byte count and UTF-8 without NUL (at most
 * {@link PayloadReader#MAX_STRING_BYTES}), and raw bytes.
 */
final class PayloadWriter {

    private byte[] bytes = new byte[64];
    private int size;

    /** @param v 0-255 */
    PayloadWriter u8(int v) {
        range("u8", v, 0xff);
        return put(v, 1);
    }

    /** @param v 0-65535 */
    PayloadWriter u16(int v) {
        range("u16", v, 0xffff);
        return put(v, 2);
    }

    /** @param v 0 to 2^32-1 */
    PayloadWriter u32(long v) {
        range("u32", v, 0xffff_ffffL);
        return put(v, 4);
    }

    /** @param v 0 to 2^63-1: the protocol's u64 values are sizes */
    PayloadWriter u64(long v) {
        range("u64", v, Long.MAX_VALUE);
        return put(v, 8);
    }

    /** @param v any int */
    PayloadWriter i32(int v) {
        return put(v, 4);
    }

    /**
     * @param s a string of at most {@link PayloadReader#MAX_STRING_BYTES} UTF-8 bytes, without NUL
     * @throws IllegalArgumentException if it is longer or holds a NUL
     */
    PayloadWriter str(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > PayloadReader.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a string of " + utf8.length + " UTF-8 bytes is above the protocol's limit of "
                    + PayloadReader.MAX_STRING_BYTES + ": " + s.substring(0, Math.min(40, s.length())) + "...");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a string cannot hold a NUL character: '" + s.replace('\0', '?') + "'");
        }
        put(utf8.length, 2);
        return bytes(utf8);
    }

    /** @param b bytes, copied */
    PayloadWriter bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** @return the payload written so far */
    byte[] toBytes() {
        return Arrays.copyOf(bytes, size);
    }

    private PayloadWriter put(long v, int n) {
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    private void room(int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
    }

    private static void range(String type, long v, long max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(type + " out of range: " + v);
        }
    }
}
