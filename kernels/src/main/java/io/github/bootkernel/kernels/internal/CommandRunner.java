package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one runner of external commands (apt, dpkg, gcc, make, binutils) and its one log sink.
 * Every command's output (standard output and error together) is appended to a log file, never a
 * pipe, so a chatty command cannot block and no reader thread is needed. Each command gets a
 * timeout (it is killed with its children when it runs over), a stable environment
 * ({@code LC_ALL=C}, no prompts, none of the variables that would reshape a kernel build started
 * from an outer make), no standard input, and optionally a progress line at a fixed interval.
 *
 * <p>A failure is a {@link FetchException} (or the subclass a caller chooses) whose message
 * starts with what failed, {@code "<prefix>: <step>: `<command>` exited with status N"}, and ends
 * with the log's last lines. The log is either kept ({@link #keptLog}: a build log in the cache,
 * whose path the message names) or private to one command ({@link #privateLog}: a temporary file
 * deleted after the command, whose output the message quotes).
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class CommandRunner {

    /** How often a command reports progress when a progress sink is given. */
    public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);

    /** How many lines of the log an error message quotes. */
    public static final int TAIL_LINES = 30;

    /** Variables that would redirect or reshape a kernel build started from an outer make or shell. */
    private static final List<String> UNSET = List.of("ARCH", "CROSS_COMPILE", "KBUILD_OUTPUT", "KCONFIG_CONFIG",
            "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "CC", "LD", "LLVM", "O");

    /**
     * What a finished command left behind.
     *
     * @param exitStatus its exit status
     * @param output what it printed, standard output and error together
     */
    public record Result(int exitStatus, String output) {
    }

    /** Makes the exception of a failure, for callers with their own subclass. */
    @FunctionalInterface
    public interface Failures {

        /**
         * Creates the exception.
         *
         * @param message what failed and why
         * @param command the command line, empty when the failure is not a command's
         * @param cause the underlying exception, may be {@code null}
         * @return the exception to throw
         */
        FetchException create(String message, List<String> command, Throwable cause);
    }

    private final String prefix;
    private final Path keptLog;
    private final Consumer<String> progress;
    private final Duration interval;
    private final Failures failures;
    private final long start = System.nanoTime();

    private CommandRunner(String prefix, Path keptLog, Consumer<String> progress, Duration interval,
                          Failures failures) {
        this.prefix = prefix;
        this.keptLog = keptLog;
        this.progress = progress;
        this.interval = interval;
        this.failures = failures;
    }

    /**
     * A runner whose commands each log to a temporary file, deleted once the command has ended;
     * failures quote the command's own output.
     *
     * @param prefix what the commands are for, the start of every message, or {@code ""}
     * @return the runner
     */
    public static CommandRunner privateLog(String prefix) {
        return new CommandRunner(prefix, null, line -> { }, null, FetchException::new);
    }

    /**
     * A runner that appends every command, its output and its status to one log file, reports
     * progress every {@link #PROGRESS_INTERVAL} while a command runs, and names the log in failures.
     *
     * @param prefix the start of every message and progress line, for example the kernel id
     * @param log the log file; replaced by an empty one
     * @param progress where progress lines go
     * @return the runner
     */
    public static CommandRunner keptLog(String prefix, Path log, Consumer<String> progress) {
        return keptLog(prefix, log, progress, PROGRESS_INTERVAL);
    }

    /**
     * As {@link #keptLog(String, Path, Consumer)}, with a given progress interval.
     *
     * @param prefix the start of every message and progress line
     * @param log the log file; replaced by an empty one
     * @param progress where progress lines go
     * @param interval how often a running command reports progress
     * @return the runner
     */
    public static CommandRunner keptLog(String prefix, Path log, Consumer<String> progress, Duration interval) {
        try {
            Files.writeString(log, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the build log " + log, e);
        }
        return new CommandRunner(prefix, log, progress, interval, FetchException::new);
    }

    /**
     * Returns a runner like this one whose failures are made by the given factory.
     *
     * @param factory makes the exceptions
     * @return the new runner
     */
    public CommandRunner withFailures(Failures factory) {
        return new CommandRunner(prefix, keptLog, progress, interval, factory);
    }

    /**
     * Returns the kept log file.
     *
     * @return the path, or {@code null} for a runner with {@link #privateLog private logs}
     */
    public Path file() {
        return keptLog;
    }

    /**
     * Reports a phase or a result on the progress sink and, for a kept log, in the log.
     *
     * @param message for example {@code "compiling bzImage with make -j2"}
     */
    public void say(String message) {
        progress.accept(label(message));
        if (keptLog != null) {
            append(keptLog, "### " + message + "\n");
        }
    }

    /**
     * Returns the time since this runner was made, for progress lines.
     *
     * @return for example {@code "45 s"} or {@code "2 min 05 s"}
     */
    public String elapsed() {
        return format(Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Runs a command that must exit with status 0.
     *
     * @param step the step, for progress lines and errors, for example {@code "downloading"}
     * @param workDir the working directory
     * @param timeout how long the command may take
     * @param command the command line
     * @return what the command printed
     * @throws FetchException if it cannot start, times out, is interrupted or exits non-zero
     */
    public String check(String step, Path workDir, Duration timeout, List<String> command) {
        Result result = run(step, workDir, timeout, command);
        if (result.exitStatus() != 0) {
            throw failure(step, command, result);
        }
        return result.output();
    }

    /**
     * Builds the exception for a command that exited with a non-zero status, as {@link #check} throws it.
     *
     * @param step the step
     * @param command the command line
     * @param result what the command left behind
     * @return the exception to throw
     */
    public FetchException failure(String step, List<String> command, Result result) {
        return failure(step, command, "exited with status " + result.exitStatus(), result.output());
    }

    /**
     * Runs a command and returns its status and output whatever the status; with a progress
     * sink, reports {@code "<prefix>: <step>... <elapsed>"} at every interval while it runs.
     *
     * @param step the step, for progress lines and errors
     * @param workDir the working directory
     * @param timeout how long it may take
     * @param command the command line
     * @return the exit status and what the command printed
     * @throws FetchException if it cannot start, times out or is interrupted
     */
    public Result run(String step, Path workDir, Duration timeout, List<String> command) {
        Path log = keptLog != null ? keptLog : createPrivateLog(step, command);
        try {
            append(log, "$ " + String.join(" ", command) + "\n");
            long offset = size(log);
            Process process = start(step, workDir, command, log);
            waitFor(process, step, timeout, command, log, offset);
            int status = process.exitValue();
            String output = readFrom(log, offset);
            append(log, "### exit status " + status + "\n");
            return new Result(status, output);
        } finally {
            if (keptLog == null) {
                AtomicFiles.deleteTree(log);
            }
        }
    }

    /**
     * Builds the exception for a step that failed although its commands ran: what failed and,
     * for a kept log, where the log is and its last lines.
     *
     * @param step the step
     * @param reason what went wrong
     * @return the exception to throw
     */
    public FetchException failure(String step, String reason) {
        return failures.create(label(step) + ": " + reason + (keptLog == null ? "" : keptTail()), List.of(), null);
    }

    /**
     * Formats a duration for people.
     *
     * @param duration the duration
     * @return {@code "45 s"} below a minute, else {@code "2 min 05 s"}
     */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60 ? seconds + " s"
                : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }

    private FetchException failure(String step, List<String> command, String reason, String output) {
        String what = label(step) + ": `" + String.join(" ", command) + "` " + reason;
        return failures.create(what + (keptLog == null ? privateTail(output) : keptTail()), command, null);
    }

    private String label(String step) {
        return prefix.isEmpty() ? step : prefix + ": " + step;
    }

    private Process start(String step, Path workDir, List<String> command, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        UNSET.forEach(env::remove);
        env.put("LC_ALL", "C");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("KBUILD_BUILD_USER", "bootkernel");
        env.put("KBUILD_BUILD_HOST", "bootkernel");
        try {
            return builder.start();
        } catch (IOException e) {
            throw failures.create(label(step) + ": cannot run " + command.get(0) + " (" + e.getMessage() + ")",
                    command, e);
        }
    }

    private void waitFor(Process process, String step, Duration timeout, List<String> command, Path log,
                         long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                long wait = interval == null ? left : Math.min(left, interval.toNanos());
                if (wait > 0 && process.waitFor(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    kill(process);
                    append(log, "### timed out after " + format(timeout) + "\n");
                    throw failure(step, command, "timed out after " + format(timeout), readFrom(log, offset));
                }
                progress.accept(label(step) + "... " + elapsed());
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw failures.create(label(step) + ": interrupted while running " + String.join(" ", command), command, e);
        }
    }

    private static void kill(Process process) {
        // make starts compilers as children; kill them too, or they would keep running. A second
        // pass catches children started while the first one ran.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String keptTail() {
        List<String> lines = readFrom(keptLog, 0).lines().toList();
        if (lines.isEmpty()) {
            return "\nThe whole build log is " + keptLog + " (empty)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "\nThe whole build log is " + keptLog + "; its last " + last.size() + " lines:\n  "
                + String.join("\n  ", last);
    }

    private static String privateTail(String output) {
        List<String> lines = output.lines().toList();
        if (lines.isEmpty()) {
            return " (no output)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; output" + (last.size() < lines.size() ? " (last " + last.size() + " lines)" : "")
                + ":\n  " + String.join("\n  ", last);
    }

    private Path createPrivateLog(String step, List<String> command) {
        try {
            return Files.createTempFile("bootkernel-cmd-", ".log");
        } catch (IOException e) {
            throw failures.create(label(step) + ": cannot capture the output of " + String.join(" ", command)
                    + " (" + e.getMessage() + ")", command, e);
        }
    }

    private static void append(Path log, String text) {
        try {
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + log, e);
        }
    }

    private static long size(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log " + log, e);
        }
    }

    private static String readFrom(Path log, long offset) {
        try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
            long length = Math.max(0, in.length() - offset);
            byte[] bytes = new byte[(int) Math.min(length, Integer.MAX_VALUE)];
            in.seek(offset);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log " + log, e);
        }
    }
}
