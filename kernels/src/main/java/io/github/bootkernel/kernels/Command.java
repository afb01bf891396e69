package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.CommandRunner;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command (apt-get, dpkg, gcc) with its output captured, a timeout and the exit
 * status checked. Output goes to a temporary file rather than a pipe, so a chatty command can never
 * block on a full pipe and no reader thread is needed.
 */
final class Command {

    /** How many lines of output an error message carries. */
    private static final int TAIL_LINES = 25;

    /** What a finished command left behind. */
    record Result(int exitStatus, String output) {
    }

    private Command() {
    }

    /**
     * Runs a command and fails unless it exits with status 0.
     *
     * @param what what the command is for, used as the start of an error message
     * @param workDir the working directory
     * @param timeout how long the command may take
     * @param command the command line
     * @return the combined standard output and error
     * @throws FetchException if the command cannot start, times out or exits non-zero
     */
    static String check(String what, Path workDir, Duration timeout, List<String> command) {
        Result result = run(what, workDir, timeout, command);
        if (result.exitStatus() != 0) {
            throw failure(what, command, "exited with status " + result.exitStatus(), result.output());
        }
        return result.output();
    }

    /**
     * Returns a runner for the steps of one task, whose errors start with what the task is for.
     *
     * @param what what the commands are for, for example {@code "static busybox (busybox-static 1.35)"}
     * @return a runner that uses {@link #check}; its messages read {@code "<what>: <step>: ..."}
     */
    static CommandRunner runner(String what) {
        return new CommandRunner() {
            @Override
            public String check(String step, Path workDir, Duration timeout, List<String> command) {
                return Command.check(what + ": " + step, workDir, timeout, command);
            }

            @Override
            public FetchException failure(String step, String reason) {
                return new FetchException(what + ": " + step + ": " + reason);
            }
        };
    }

    /**
     * Runs a command and returns its exit status and output, whatever the status.
     *
     * @param what what the command is for, used as the start of an error message
     * @param workDir the working directory
     * @param timeout how long the command may take
     * @param command the command line
     * @return the exit status and the combined standard output and error
     * @throws FetchException if the command cannot start or times out
     */
    static Result run(String what, Path workDir, Duration timeout, List<String> command) {
        Path log = null;
        try {
            log = Files.createTempFile("bootkernel-cmd-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // Stable, parseable output from apt and dpkg, and no prompts.
            builder.environment().put("LC_ALL", "C");
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new FetchException(what + ": cannot run " + command.get(0) + " ("
                        + e.getMessage() + ")", command, e);
            }
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new FetchException(what + ": interrupted while running " + String.join(" ", command),
                        command, e);
            }
            if (!finished) {
                process.destroyForcibly();
                throw failure(what, command, "timed out after " + timeout.toSeconds() + " s", read(log));
            }
            return new Result(process.exitValue(), read(log));
        } catch (IOException e) {
            throw new FetchException(what + ": cannot capture the output of " + String.join(" ", command)
                    + " (" + e.getMessage() + ")", command, e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // A leftover temporary file is harmless.
                }
            }
        }
    }

    /**
     * Builds the exception for a command that ran but failed.
     *
     * @param what what the command was for
     * @param command the command line
     * @param reason why it counts as failed
     * @param output its output, of which the last lines are quoted
     * @return the exception to throw
     */
    static FetchException failure(String what, List<String> command, String reason, String output) {
        return new FetchException(what + ": `" + String.join(" ", command) + "` " + reason
                + tail(output), command, null);
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        if (lines.isEmpty()) {
            return " (no output)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; output" + (last.size() < lines.size() ? " (last " + last.size() + " lines)" : "")
                + ":\n  " + String.join("\n  ", last);
    }

    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }
}
