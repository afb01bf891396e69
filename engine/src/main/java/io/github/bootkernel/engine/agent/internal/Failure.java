package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Why a request failed, kept so that each thread that asks gets an exception of its own, with its
 * own stack trace: an {@link AgentException}, or an {@link UncheckedIOException} for a host file
 * that could not be read or written.
 *
 * @param reason why, for an agent failure; null for a host file failure
 * @param message the message, which names the request
 * @param errno the guest's errno, or 0
 * @param cause the underlying failure, or null; an {@link IOException} for a host file failure
 */
record Failure(AgentException.Reason reason, String message, int errno, Throwable cause) {

    /**
     * @param reason why
     * @param message the message, naming the request
     * @return an agent failure with no errno and no cause
     */
    static Failure of(AgentException.Reason reason, String message) {
        return new Failure(reason, message, 0, null);
    }

    /**
     * @param message what could not be done with which host file
     * @param cause the I/O failure
     * @return a host file failure
     */
    static Failure io(String message, IOException cause) {
        return new Failure(null, message, 0, cause);
    }

    /** @return a new exception to throw */
    RuntimeException toException() {
        return reason == null ? new UncheckedIOException(message, (IOException) cause)
                : new AgentException(reason, message, errno, cause);
    }
}
