package io.github.bootkernel.engine.agent.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Reads frames from a byte stream and checks each one as the protocol says: magic, type (known,
 * and sent by the expected side), flags, request id (0 exactly for the channel-level types),
 * length (at most the maximum), CRC-32. Each check is made as soon as its bytes are in, so
 * garbage is reported without waiting for a whole header. Not thread-safe: one reader thread,
 * except {@link #partialFrame()}, which another thread may call while the reader waits for bytes.
 *
 * <p>It keeps a copy of the bytes of the frame it is in the middle of reading, so that a snapshot
 * can take them while the reader waits for the rest ({@link #partialFrame()}), and a clone's reader
 * can start with them ({@link #FrameReader(InputStream, FrameType.Sender, int, byte[], long)}).
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
    /** The bytes of the frame being read, {@code current[0..currentLength)}; guarded by this. */
    private final byte[] current;
    private int currentLength;
    /** The stream offset of {@code current[0]}; guarded by this. */
    private long currentStart;

    /**
     * @param in the stream; it is buffered here
     * @param from the side that writes it: frames of types only the other side sends are refused
     * @param maxPayload the longest payload accepted
     */
    FrameReader(InputStream in, FrameType.Sender from, int maxPayload) {
        this(in, from, maxPayload, new byte[0], 0);
    }

    /**
     * A reader that goes on from where another one stopped: its stream starts with {@code prefix},
     * the first bytes of a frame that reader had read partly (see {@link #partialFrame()}), at
     * stream offset {@code startOffset}, and continues with {@code in}.
     *
     * @param in the stream after the prefix; it is buffered here
     * @param from the side that writes it
     * @param maxPayload the longest payload accepted
     * @param prefix bytes to read before {@code in}, at most a frame's header, maximum payload and
     *     CRC-32
     * @param startOffset the stream offset of the prefix's first byte, for messages
     * @throws IllegalArgumentException if the prefix is longer than a frame can be, or the offset is negative
     */
    FrameReader(InputStream in, FrameType.Sender from, int maxPayload, byte[] prefix, long startOffset) {
        Objects.requireNonNull(in, "in");
        if (prefix.length > Frame.HEADER_BYTES + maxPayload + Frame.TRAILER_BYTES || startOffset < 0) {
            throw new IllegalArgumentException("a partial frame of " + prefix.length + " bytes at offset " + startOffset);
        }
        InputStream whole = prefix.length == 0 ? in : new SequenceInputStream(new ByteArrayInputStream(prefix.clone()), in);
        this.in = new BufferedInputStream(whole, Frame.MAX_PAYLOAD + 16);
        this.from = Objects.requireNonNull(from, "from");
        this.maxPayload = maxPayload;
        this.offset = startOffset;
        this.currentStart = startOffset;
        this.current = new byte[Frame.HEADER_BYTES + maxPayload + Frame.TRAILER_BYTES];
    }

    /**
     * The bytes of the frame the reader is in the middle of, read and not yet a whole frame, with
     * the stream offset of the first one. Consistent when the reader waits for its stream's next
     * bytes (the caller makes sure of that); any thread.
     *
     * @return the partial frame: empty between frames
     */
    synchronized PartialFrame partialFrame() {
        return new PartialFrame(Arrays.copyOf(current, currentLength), currentStart);
    }

    /**
     * The first bytes of a frame, read and not yet whole.
     *
     * @param bytes the bytes, at most a whole frame's less one
     * @param offset the stream offset of the first one
     */
    record PartialFrame(byte[] bytes, long offset) {
        PartialFrame {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
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
        synchronized (this) {
            currentLength = 0;
            currentStart = start;
        }
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
            synchronized (this) {
                System.arraycopy(b, off + n, current, currentLength, r);
                currentLength += r;
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
