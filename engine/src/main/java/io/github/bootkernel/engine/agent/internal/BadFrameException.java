package io.github.bootkernel.engine.agent.internal;

import java.io.IOException;

/**
 * A frame the receiver cannot accept: the channel is over. The message names where the frame
 * starts in the stream, its type and request id as far as they were read, and the reason.
 */
final class BadFrameException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String reason;

    /**
     * @param offset the stream offset of the frame's first byte
     * @param type the type byte, or -1 if not read
     * @param requestId the request id, or -1 if not read
     * @param reason what is wrong, for example {@code "bad CRC-32 ..."}
     */
    BadFrameException(long offset, int type, long requestId, String reason) {
        super("bad frame at stream offset " + offset + describe(type, requestId) + ": " + reason);
        this.offset = offset;
        this.reason = reason;
    }

    /**
     * A frame that was read whole but cannot be accepted: a payload that does not parse, or a
     * frame its request does not expect.
     *
     * @param frame the frame as read
     * @param reason what is wrong
     */
    BadFrameException(Frame frame, String reason) {
        this(frame.offset(), frame.type().code(), Integer.toUnsignedLong(frame.requestId()), reason);
    }

    /** @return the stream offset of the frame's first byte */
    long offset() {
        return offset;
    }

    /** @return what is wrong, without where */
    String reason() {
        return reason;
    }

    private static String describe(int type, long requestId) {
        if (type < 0) {
            return "";
        }
        String name = FrameType.of(type).map(FrameType::describe).orElse(String.format("0x%02x", type));
        return " (type " + name + (requestId < 0 ? "" : ", request " + requestId) + ")";
    }
}
