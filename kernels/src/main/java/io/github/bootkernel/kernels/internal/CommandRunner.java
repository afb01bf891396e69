package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs the external commands of one fetch or build and words its failures, so that a shared step
 * (for example {@link Apt#downloadAndUnpack}) reports the way its caller does: a Debian package
 * fetch with the command's output, a kernel build with its build log.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public interface CommandRunner {

    /**
     * Runs a command that must exit with status 0.
     *
     * @param step the step, for progress lines and errors, for example {@code "downloading"}
     * @param workDir the working directory
     * @param timeout how long the command may take
     * @param command the command line
     * @return the combined standard output and error
     * @throws FetchException if the command cannot start, times out or exits non-zero
     */
    String check(String step, Path workDir, Duration timeout, List<String> command);

    /**
     * Builds the exception for a step that failed although its commands succeeded.
     *
     * @param step the step
     * @param reason what went wrong
     * @return the exception to throw
     */
    FetchException failure(String step, String reason);
}
