package io.github.bootkernel.kernels;

import java.util.List;

/**
 * Fetching or building a file for the bootkernel cache failed: a Debian package could not be
 * resolved or downloaded, a helper did not compile, or a cached file is not what it should be.
 *
 * <p>The message names what was being prepared, the command that failed (if any) and the reason,
 * and ends with the last lines of that command's output. When a missing tool or a stale package
 * list is the likely cause, the message names the command that fixes it.
 */
public class FetchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The command line that failed, empty when no command was involved. */
    private final List<String> command;

    /**
     * Creates an exception that is not tied to a command.
     *
     * @param message what failed and why
     */
    public FetchException(String message) {
        this(message, List.of(), null);
    }

    /**
     * Creates an exception for a failed command.
     *
     * @param message what failed and why, including the command's output
     * @param command the command line that failed
     * @param cause the underlying exception, may be {@code null}
     */
    public FetchException(String message, List<String> command, Throwable cause) {
        super(message, cause);
        this.command = List.copyOf(command);
    }

    /**
     * Returns the command line that failed.
     *
     * @return the command and its arguments, empty when no command was involved
     */
    public List<String> command() {
        return command;
    }
}
