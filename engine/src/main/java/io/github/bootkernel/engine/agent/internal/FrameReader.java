package io.github.bootkernel.engine.agent.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Reads frames from a byte stream and checks each one as the protocol says: magic, type (known,
 * and sent by the expected side), flags, request id (0 exactly for the channel-level types),
 * length (at most the maximum), CRC-32. Each check is made as soon as its bytes are in, so
 * garbage is reported without waiting for a whole header. Not thread-safe: one reader thread.
 */
final class FrameReader {

    private final InputStream in;
    private final FrameType.Sender from;
    private final int maxPayload;
    private final byte[] header = new byte[Frame.HEADER_BYTES];
    private final byte[] trailer = new byte[Frame.TRAILER_BYTES];
    private final CRC32 crc = new CRC32();
    /** Bytes consumed so far: the offset of the next frame. */
    private long offset;

    /**
     * @param in the stream; it is buffered here
     * @param from the side that writes it: frames of types only the other side sends are refused
     * @param maxPayload the longest payload accepted
     */
    FrameReader(InputStream in, FrameType.Sender from, int maxPayload) {
        this.in = new BufferedInputStream(Objects.requireNonNull(in, "in"), Frame.MAX_PAYLOAD + 16);
        this.from = Objects.requireNonNull(from, "from");
        this.maxPayload = maxPayload;
    }

    /** @return the bytes read so far */
    long offset() {
        return offset;
    }

    /**
     * Reads the next frame, blocking until it is complete.
     *
     * @return the frame, or null if the stream ended where a frame would start
     * @throws BadFrameException if the frame breaks a rule of the protocol or the stream ends inside it
     * @throws IOException if the stream fails
     */
    Frame read() throws IOException {
        long start = offset;
        int got = fill(header, 0, 2);
        if (got == 0) {
            return null;
        }
        if (got < 2) {
            throw truncated(start, -1, -1, "header", got, Frame.HEADER_BYTES);
        }
        if ((header[0] & 0xff) != Frame.MAGIC_0 || (header[1] & 0xff) != Frame.MAGIC_1) {
            throw new BadFrameException(start, -1, -1, String.format("bad magic 0x%02x 0x%02x, expected 0x%02x 0x%02x",
                    header[0] & 0xff, header[1] & 0xff, Frame.MAGIC_0, Frame.MAGIC_1));
        }
        got += fill(header, 2, 1);
        if (got < 3) {
            throw truncated(start, -1, -1, "header", got, Frame.HEADER_BYTES);
        }
        int code = header[2] & 0xff;
        FrameType type = FrameType.of(code).orElseThrow(() -> new BadFrameException(start, code, -1,
                "unknown type " + String.format("0x%02x", code)));
        if (!type.sentBy(from)) {
            throw new BadFrameException(start, code, -1, type + " is never sent by the " + from.name().toLowerCase());
        }
        got += fill(header, 3, Frame.HEADER_BYTES - 3);
        long id = got >= 8 ? Integer.toUnsignedLong(intAt(header, 4)) : -1;
        if (got < Frame.HEADER_BYTES) {
            throw truncated(start, code, id, "header", got, Frame.HEADER_BYTES);
        }
        if (header[3] != 0) {
            throw new BadFrameException(start, code, id, String.format("flags 0x%02x, expected 0", header[3] & 0xff));
        }
        if (type.channelLevel() != (id == 0)) {
            throw new BadFrameException(start, code, id, type.channelLevel() ? type + " needs request id 0"
                    : "request id 0 is only for HELLO, WELCOME and FATAL");
        }
        long length = Integer.toUnsignedLong(intAt(header, 8));
        if (length > maxPayload) {
            throw new BadFrameException(start, code, id, "payload length " + length + " above the maximum " + maxPayload);
        }
        byte[] payload = new byte[(int) length];
        int n = fill(payload, 0, payload.length);
        if (n < payload.length) {
            throw truncated(start, code, id, "payload", n, payload.length);
        }
        n = fill(trailer, 0, Frame.TRAILER_BYTES);
        if (n < Frame.TRAILER_BYTES) {
            throw truncated(start, code, id, "CRC-32", n, Frame.TRAILER_BYTES);
        }
        crc.reset();
        crc.update(header, 2, Frame.HEADER_BYTES - 2);
        crc.update(payload);
        long computed = crc.getValue();
        long sent = Integer.toUnsignedLong(intAt(trailer, 0));
        if (computed != sent) {
            throw new BadFrameException(start, code, id, String.format("bad CRC-32: the frame says 0x%08x, its bytes"
                    + " give 0x%08x", sent, computed));
        }
        return new Frame(type, (int) id, payload, start);
    }

    /** Reads up to {@code len} bytes, fewer only at the end of the stream; counts them. */
    private int fill(byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(b, off + n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
            offset += r;
        }
        return n;
    }

    private static BadFrameException truncated(long start, int type, long id, String part, int got, int size) {
        return new BadFrameException(start, type, id, "the stream ended inside the " + part + " after " + got + " of "
                + size + " bytes");
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
