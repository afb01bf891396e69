package io.github.bootkernel.bench.boot;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Boots a guest in a monitor process (QEMU, the command-line tool) and times it from the process's
 * launch: when its standard output (the guest's console) shows the init line and the last line,
 * and when the process ends. Standard input is {@code /dev/null}; standard error goes to a file
 * that a failure quotes.
 */
public final class ProcessBoot {

    private static final int KEPT_LINES = 20;

    private ProcessBoot() {
    }

    /**
     * Runs {@code argv} until it ends by itself.
     *
     * @param what    the subject, for messages, e.g. {@code "QEMU -M pc, tiny"}
     * @param argv    the command
     * @param stderr  where its standard error goes (overwritten)
     * @param timeout how long it may take; after that it is killed and this fails
     * @return its times
     * @throws BootFailedException when it does not print the init line, or exceeds {@code timeout}
     */
    public static BootTimes run(String what, List<String> argv, Path stderr, Duration timeout)
            throws IOException, InterruptedException {
        return run(what, argv, stderr, timeout, line -> false);
    }

    /**
     * Runs {@code argv} until it ends, or kills it (SIGKILL) at the first line that {@code stopAt}
     * accepts; the end is then when the killed process was reaped.
     *
     * @param what    the subject, for messages
     * @param argv    the command
     * @param stderr  where its standard error goes (overwritten)
     * @param timeout how long it may take; after that it is killed and this fails
     * @param stopAt  the line at which to kill it
     * @return its times; the init line's time is that of the first line {@code stopAt} accepts when
     *     no init line came before it
     * @throws BootFailedException when it shows neither the init line nor a line {@code stopAt}
     *     accepts, or exceeds {@code timeout}
     */
    public static BootTimes run(String what, List<String> argv, Path stderr, Duration timeout,
                                Predicate<String> stopAt) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(argv)
                .redirectInput(new File("/dev/null"))
                .redirectError(stderr.toFile())
                .start();
        double initLine = Double.NaN;
        double uptime = Double.NaN;
        OptionalDouble lastLine = OptionalDouble.empty();
        Deque<String> tail = new ArrayDeque<>();
        // Ends a process that hangs with its output open, so the read below ends too.
        Thread killer = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-timeout");
        killer.setDaemon(true);
        killer.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                double at = (System.nanoTime() - t0) / 1e9;
                keep(tail, line);
                if (Double.isNaN(initLine) && BenchImage.isInitLine(line)) {
                    initLine = at;
                    uptime = BenchImage.uptime(line);
                } else if (lastLine.isEmpty() && BenchImage.isLastLine(line)) {
                    lastLine = OptionalDouble.of(at);
                }
                if (stopAt.test(line)) {
                    if (Double.isNaN(initLine)) {
                        initLine = at;
                    }
                    process.destroyForcibly();
                    break;
                }
            }
        } finally {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            killer.interrupt();
        }
        double end = (System.nanoTime() - t0) / 1e9;
        if (end > timeout.toNanos() / 1e9) {
            throw new BootFailedException(what + ": killed after its time limit of " + timeout.toSeconds() + " s",
                    tail, stderr);
        }
        if (Double.isNaN(initLine)) {
            throw new BootFailedException(what + ": ended with status " + process.exitValue()
                    + " without the init line", tail, stderr);
        }
        return new BootTimes(initLine, uptime, lastLine, end, OptionalLong.empty());
    }

    private static void keep(Deque<String> tail, String line) {
        tail.addLast(line);
        if (tail.size() > KEPT_LINES) {
            tail.removeFirst();
        }
    }

    /** A boot that did not reach its init line, with what the guest and the monitor printed last. */
    public static final class BootFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        BootFailedException(String message, Deque<String> console, Path stderr) {
            super(message + "\n  console's last lines:\n    " + String.join("\n    ", console)
                    + "\n  stderr:\n    " + String.join("\n    ", stderrTail(stderr)));
        }

        private static List<String> stderrTail(Path stderr) {
            try {
                List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
                return lines.subList(Math.max(0, lines.size() - KEPT_LINES), lines.size());
            } catch (IOException e) {
                return List.of("(unreadable: " + e.getMessage() + ")");
            }
        }
    }
}
