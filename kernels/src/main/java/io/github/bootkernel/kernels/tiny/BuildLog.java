package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.internal.CommandRunner;
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
 * Runs the commands of one kernel build, appending everything they print to one log file in the
 * cache, reporting the phase and the elapsed time while they run, bounding each by a timeout and
 * checking its exit status. A failure is a {@link FetchException} that names the command, the log
 * file and quotes the log's last lines.
 */
final class BuildLog implements CommandRunner {

    /** How often a running command reports progress. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);

    /** How many lines of the log an error message quotes. */
    static final int TAIL_LINES = 30;

    /** Variables that would redirect or reshape a kernel build started from an outer make or shell. */
    private static final List<String> UNSET = List.of("ARCH", "CROSS_COMPILE", "KBUILD_OUTPUT", "KCONFIG_CONFIG",
            "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "CC", "LD", "LLVM", "O");

    /** What a finished command left behind. */
    record Result(int exitStatus, String output) {
    }

    private final String id;
    private final Path file;
    private final Consumer<String> progress;
    private final Duration interval;
    private final long start = System.nanoTime();

    /**
     * Starts a new, empty log that reports progress every {@link #PROGRESS_INTERVAL}.
     *
     * @param id the kernel id, the start of every progress line
     * @param file the log file; replaced if it exists
     * @param progress where progress lines go
     */
    BuildLog(String id, Path file, Consumer<String> progress) {
        this(id, file, progress, PROGRESS_INTERVAL);
    }

    /**
     * Starts a new, empty log.
     *
     * @param id the kernel id, the start of every progress line
     * @param file the log file; replaced if it exists
     * @param progress where progress lines go
     * @param interval how often a running command reports progress
     */
    BuildLog(String id, Path file, Consumer<String> progress, Duration interval) {
        this.id = id;
        this.file = file;
        this.progress = progress;
        this.interval = interval;
        try {
            Files.writeString(file, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the build log " + file, e);
        }
    }

    /**
     * Returns the log file.
     *
     * @return the path
     */
    Path file() {
        return file;
    }

    /**
     * Reports a phase or a result, on the progress sink and in the log.
     *
     * @param message for example {@code "compiling bzImage with make -j2"}
     */
    void say(String message) {
        progress.accept(id + ": " + message);
        append("### " + message + "\n");
    }

    /**
     * Returns the time since this log was started, for progress lines.
     *
     * @return for example {@code "45 s"} or {@code "2 min 05 s"}
     */
    String elapsed() {
        return format(Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Runs a command that must exit with status 0.
     *
     * @param phase the phase for progress lines and errors, for example {@code "compiling"}
     * @param workDir the working directory
     * @param timeout how long it may take
     * @param command the command line
     * @return what the command printed
     * @throws FetchException if it cannot start, times out or exits non-zero
     */
    @Override
    public String check(String phase, Path workDir, Duration timeout, List<String> command) {
        Result result = run(phase, workDir, timeout, command);
        if (result.exitStatus() != 0) {
            throw failure(phase, "`" + String.join(" ", command) + "` exited with status " + result.exitStatus());
        }
        return result.output();
    }

    /**
     * Runs a command and returns its status and output whatever the status; prints
     * {@code "<id>: <phase>... <elapsed>"} at every progress interval while it runs.
     *
     * @param phase the phase for progress lines and errors
     * @param workDir the working directory
     * @param timeout how long it may take
     * @param command the command line
     * @return the exit status and what the command printed
     * @throws FetchException if it cannot start, times out or is interrupted
     */
    Result run(String phase, Path workDir, Duration timeout, List<String> command) {
        append("$ " + String.join(" ", command) + "\n");
        long offset = size();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        UNSET.forEach(env::remove);
        env.put("LC_ALL", "C");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("KBUILD_BUILD_USER", "bootkernel");
        env.put("KBUILD_BUILD_HOST", "bootkernel");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new FetchException(id + ": " + phase + ": cannot run " + command.get(0) + " (" + e.getMessage()
                    + ")", command, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                long wait = Math.min(left, interval.toNanos());
                if (wait > 0 && process.waitFor(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    kill(process);
                    append("### timed out after " + format(timeout) + "\n");
                    throw failure(phase, "`" + String.join(" ", command) + "` timed out after " + format(timeout));
                }
                progress.accept(id + ": " + phase + "... " + elapsed());
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new FetchException(id + ": " + phase + ": interrupted while running " + String.join(" ", command),
                    command, e);
        }
        int status = process.exitValue();
        String output = readFrom(offset);
        append("### exit status " + status + "\n");
        return new Result(status, output);
    }

    /**
     * Builds the exception for a failed phase: what failed, where the log is, its last lines.
     *
     * @param phase the phase
     * @param reason what went wrong
     * @return the exception to throw
     */
    @Override
    public FetchException failure(String phase, String reason) {
        return new FetchException(id + ": " + phase + ": " + reason + "\nThe whole build log is " + file + tail());
    }

    /**
     * Returns the last lines of the log, formatted for an error message.
     *
     * @return the quoted lines, or a note that the log is empty
     */
    String tail() {
        List<String> lines = readFrom(0).lines().toList();
        if (lines.isEmpty()) {
            return " (empty)";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; its last " + last.size() + " lines:\n  " + String.join("\n  ", last);
    }

    /**
     * Formats a duration for people.
     *
     * @param duration the duration
     * @return {@code "45 s"} below a minute, else {@code "2 min 05 s"}
     */
    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60 ? seconds + " s"
                : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
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

    private void append(String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build log " + file, e);
        }
    }

    private long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build log " + file, e);
        }
    }

    private String readFrom(long offset) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = Math.max(0, in.length() - offset);
            byte[] bytes = new byte[(int) Math.min(length, Integer.MAX_VALUE)];
            in.seek(offset);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build log " + file, e);
        }
    }
}
