package io.github.bootkernel.engine.agent.internal;

import java.util.Optional;

/**
 * The frame types of the guest agent protocol, versions 2 and 3 (3 added RESEED), with their codes
 * and who sends them ({@code docs/guest-agent-protocol.md}, "Frame types").
 */
enum FrameType {
    HELLO(0x01, Sender.AGENT),
    WELCOME(0x02, Sender.HOST),
    EXEC(0x10, Sender.HOST),
    STARTED(0x11, Sender.AGENT),
    STDOUT(0x12, Sender.AGENT),
    STDERR(0x13, Sender.AGENT),
    EXITED(0x14, Sender.AGENT),
    SIGNALED(0x15, Sender.AGENT),
    KILL(0x18, Sender.HOST),
    PUT(0x20, Sender.HOST),
    FILE(0x21, Sender.AGENT),
    DATA(0x22, null),
    END(0x23, null),
    GET(0x24, Sender.HOST),
    DONE(0x30, Sender.AGENT),
    ERROR(0x3E, Sender.AGENT),
    FATAL(0x3F, Sender.AGENT),
    KLOG(0x40, Sender.HOST),
    RECORDS(0x41, Sender.AGENT),
    LOST(0x42, Sender.AGENT),
    SYNC(0x43, Sender.HOST),
    SYNCED(0x44, Sender.AGENT),
    RESEED(0x50, Sender.HOST);

    /** One side of the channel. */
    enum Sender { HOST, AGENT }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    /** Who sends it; null for both. */
    private final Sender sender;

    FrameType(int code, Sender sender) {
        this.code = code;
        this.sender = sender;
    }

    /** @return the type byte, 0-255 */
    int code() {
        return code;
    }

    /**
     * @param side one side of the channel
     * @return whether that side sends frames of this type
     */
    boolean sentBy(Sender side) {
        return sender == null || sender == side;
    }

    /** @return whether it belongs to the channel itself (request id 0) rather than to a request */
    boolean channelLevel() {
        return this == HELLO || this == WELCOME || this == FATAL;
    }

    /**
     * @param code a type byte, 0-255
     * @return the type, or empty if the protocol has none with this code
     */
    static Optional<FrameType> of(int code) {
        return Optional.ofNullable(BY_CODE[code & 0xff]);
    }

    /** @return for messages, for example {@code "0x12 STDOUT"} */
    String describe() {
        return String.format("0x%02x %s", code, name());
    }
}
