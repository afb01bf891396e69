package io.github.bootkernel.kernels.probe;

import io.github.bootkernel.kernels.FetchException;
import java.util.List;

/**
 * Building the probe image failed: a binutils tool could not run, timed out or exited non-zero,
 * or its output is not a bzImage.
 *
 * <p>The message names the step ("assembling probe.S"), the command line and the reason, and
 * ends with the tool's output. A tool that is not installed at all is reported by the subclass
 * {@link ProbeToolMissingException}.
 */
public class ProbeBuildException extends FetchException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a failed step.
     *
     * @param message what failed and why, including the tool's output
     * @param command the command line that failed, empty if none was involved
     * @param cause the underlying exception, may be {@code null}
     */
    public ProbeBuildException(String message, List<String> command, Throwable cause) {
        super(message, command, cause);
    }
}
