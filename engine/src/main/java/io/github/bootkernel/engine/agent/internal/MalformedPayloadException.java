package io.github.bootkernel.engine.agent.internal;

/** A payload that does not parse as its frame type's fields, or whose values are out of range. */
final class MalformedPayloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, for example {@code "the payload ends inside a u32 at byte 6"} */
    MalformedPayloadException(String message) {
        super(message);
    }
}
