package io.github.bootkernel.engine;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A request to the guest agent ({@link io.github.bootkernel.engine.agent.GuestAgent}) could not be
 * carried out. The {@link #reason()} says why; the message says what was asked and, for
 * {@link Reason#REQUEST_FAILED}, the guest's errno.
 */
public final class AgentException extends EngineException {

    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /**
         * The machine was started without an agent ({@code MachineConfig.Builder.agent(false)}), so
         * no request can ever be served; the message names what is missing.
         */
        NO_AGENT,
        /** The agent did not connect within the request's time limit. */
        NOT_CONNECTED,
        /** The guest ended before the request was served; the message says how it ended. */
        GUEST_ENDED,
        /**
         * The channel broke: a frame the host could not accept, or the agent's FATAL; or the agent
         * restarted (a new HELLO), losing the requests in flight.
         */
        CHANNEL_BROKEN,
        /**
         * The agent refused or could not carry out this request (errno in {@link #errno()}), or the
         * request did not end within its time limit (no errno).
         */
        REQUEST_FAILED
    }

    private final Reason reason;
    private final int errno;

    /**
     * @param reason why
     * @param message what was asked, and the details
     * @param errno the guest's errno for {@link Reason#REQUEST_FAILED}, else 0
     * @param cause the underlying failure, may be null
     */
    public AgentException(Reason reason, String message, int errno, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.errno = errno;
    }

    /** @return why the request failed */
    public Reason reason() {
        return reason;
    }

    /** @return the guest's errno for {@link Reason#REQUEST_FAILED}, else empty */
    public OptionalInt errno() {
        return errno > 0 ? OptionalInt.of(errno) : OptionalInt.empty();
    }
}
