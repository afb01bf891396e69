package io.github.bootkernel.kernels.agent;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * One frame of docs/guest-agent-protocol.md, written and read independently of the engine's codec
 * (a second implementation of the spec, for tests only): magic, type, flags, request id, length,
 * payload, CRC-32 of type to payload.
 */
record Frame(int type, int id, byte[] payload) {

    static final int HELLO = 0x01;
    static final int WELCOME = 0x02;
    static final int EXEC = 0x10;
    static final int STARTED = 0x11;
    static final int STDOUT = 0x12;
    static final int STDERR = 0x13;
    static final int EXITED = 0x14;
    static final int SIGNALED = 0x15;
    static final int KILL = 0x18;
    static final int PUT = 0x20;
    static final int FILE = 0x21;
    static final int DATA = 0x22;
    static final int END = 0x23;
    static final int GET = 0x24;
    static final int DONE = 0x30;
    static final int ERROR = 0x3E;
    static final int FATAL = 0x3F;
    static final int KLOG = 0x40;
    static final int RECORDS = 0x41;
    static final int LOST = 0x42;
    static final int SYNC = 0x43;
    static final int SYNCED = 0x44;
    static final int RESEED = 0x50;

    static final int HEADER = 12;

    /** The frame's bytes, with the given flags byte (0 in a valid frame). */
    byte[] encode(int flags) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        frame.put((byte) 0xBC).put((byte) 0x4B).put((byte) type).put((byte) flags).putInt(id)
                .putInt(payload.length).put(payload);
        CRC32 crc = new CRC32();
        crc.update(frame.array(), 2, HEADER - 2 + payload.length);
        return frame.putInt((int) crc.getValue()).array();
    }

    byte[] encode() {
        return encode(0);
    }

    /** Reads one frame, checking magic, flags and CRC; null at a clean end of the stream. */
    static Frame read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length == 0) {
            return null;
        }
        if (header.length < HEADER) {
            throw new EOFException("the stream ends inside a frame header");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if ((h.get(0) & 0xff) != 0xBC || (h.get(1) & 0xff) != 0x4B || h.get(3) != 0) {
            throw new IOException("bad magic or flags in a frame header");
        }
        int length = h.getInt(8);
        if (length < 0 || length > 65536) {
            throw new IOException("payload length " + Integer.toUnsignedString(length));
        }
        byte[] rest = in.readNBytes(length + 4);
        if (rest.length < length + 4) {
            throw new EOFException("the stream ends inside a frame");
        }
        CRC32 crc = new CRC32();
        crc.update(header, 2, HEADER - 2);
        crc.update(rest, 0, length);
        if ((int) crc.getValue() != ByteBuffer.wrap(rest, length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
            throw new IOException("bad CRC-32");
        }
        byte[] payload = new byte[length];
        System.arraycopy(rest, 0, payload, 0, length);
        return new Frame(h.get(2) & 0xff, h.getInt(4), payload);
    }

    /** The payload's fields, read in order. */
    Fields fields() {
        return new Fields(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Payload fields: little-endian integers and u16-counted UTF-8 strings. */
    record Fields(ByteBuffer buffer) {
        int u8() {
            return buffer.get() & 0xff;
        }

        int u16() {
            return buffer.getShort() & 0xffff;
        }

        int u32() {
            return buffer.getInt();
        }

        long u64() {
            return buffer.getLong();
        }

        String str() {
            byte[] bytes = new byte[u16()];
            buffer.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        boolean atEnd() {
            return !buffer.hasRemaining();
        }
    }

    /** Builds a payload. */
    static final class Payload {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Payload u16(int value) {
            return raw(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
        }

        Payload u32(int value) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }

        Payload u64(long value) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        Payload str(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            return u16(utf8.length).raw(utf8);
        }

        Payload raw(byte[] value) {
            bytes.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
