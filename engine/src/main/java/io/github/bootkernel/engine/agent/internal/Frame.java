package io.github.bootkernel.engine.agent.internal;

import java.util.Objects;
import java.util.zip.CRC32;

/**
 * One frame of the guest agent protocol: its type, request id and payload, and where it started
 * in the stream it was read from ({@code docs/guest-agent-protocol.md}, "Frames"). Encodes itself
 * into the wire format; {@link FrameReader} decodes.
 *
 * @param type the frame type
 * @param requestId the request id, an unsigned 32-bit value: 0 for the channel-level types, non-zero
 *     otherwise
 * @param payload the payload; the frame owns it
 * @param offset the stream offset of its first byte, or -1 for a frame not read from a stream
 */
record Frame(FrameType type, int requestId, byte[] payload, long offset) {

    /** The first magic byte. */
    static final int MAGIC_0 = 0xBC;
    /** The second magic byte. */
    static final int MAGIC_1 = 0x4B;
    /** Bytes before the payload: magic, type, flags, request id, length. */
    static final int HEADER_BYTES = 12;
    /** Bytes after the payload: the CRC-32. */
    static final int TRAILER_BYTES = 4;
    /** The host's maximum payload, announced in WELCOME; also the least an agent may announce. */
    static final int MAX_PAYLOAD = 65536;

    Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (type.channelLevel() != (requestId == 0)) {
            throw new IllegalArgumentException(type + " needs request id " + (type.channelLevel() ? "0" : "non-zero")
                    + ", got " + Integer.toUnsignedString(requestId));
        }
    }

    /**
     * A frame to send.
     *
     * @param type the type
     * @param requestId the request id, 0 for the channel-level types
     * @param payload the payload
     * @return the frame, with no stream offset
     */
    static Frame of(FrameType type, int requestId, byte[] payload) {
        return new Frame(type, requestId, payload, -1);
    }

    /**
     * Encodes the frame: header, payload and CRC-32 in one array, ready for one write.
     *
     * @param maxPayload the receiver's maximum payload
     * @return the frame's bytes
     * @throws IllegalArgumentException if the payload is longer than {@code maxPayload}
     */
    byte[] encode(int maxPayload) {
        int n = payload.length;
        if (n > maxPayload) {
            throw new IllegalArgumentException("a " + type + " payload of " + n + " bytes is above the receiver's maximum "
                    + maxPayload);
        }
        byte[] frame = new byte[HEADER_BYTES + n + TRAILER_BYTES];
        frame[0] = (byte) MAGIC_0;
        frame[1] = (byte) MAGIC_1;
        frame[2] = (byte) type.code();
        frame[3] = 0;
        putInt(frame, 4, requestId);
        putInt(frame, 8, n);
        System.arraycopy(payload, 0, frame, HEADER_BYTES, n);
        CRC32 crc = new CRC32();
        crc.update(frame, 2, HEADER_BYTES - 2 + n);
        putInt(frame, HEADER_BYTES + n, (int) crc.getValue());
        return frame;
    }

    /** @return for messages, for example {@code "STDOUT frame of request 5 at stream offset 1234"} */
    String describe() {
        return type + " frame" + (requestId == 0 ? "" : " of request " + Integer.toUnsignedString(requestId))
                + (offset < 0 ? "" : " at stream offset " + offset);
    }

    @Override
    public String toString() {
        return describe() + " (" + payload.length + "-byte payload)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && f.requestId == requestId && f.offset == offset
                && java.util.Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, requestId, offset, java.util.Arrays.hashCode(payload));
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
