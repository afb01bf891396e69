package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.Assertions;

/**
 * Assertions on a guest's serial console; get one with
 * {@link GuestAssertions#assertThat(Console)}.
 *
 * <p>The checks other than {@link #emitsWithin(Duration, String) emitsWithin} look at a snapshot
 * taken when they run: the complete lines, then the unterminated last line if there is one (a
 * prompt, or output cut off by the guest's end). Regular expressions are <em>found</em> in a line
 * ({@link java.util.regex.Matcher#find()}), so they may match any part of it; anchor them
 * ({@code ^...$}) for a whole line, quote literal text with {@link Pattern#quote(String)}. Every
 * failure message ends with the last {@value ConsoleTail#LINES} console lines.
 */
public final class ConsoleAssert extends AbstractAssert<ConsoleAssert, Console> {

    /**
     * Found in a line, these mean the Linux kernel hit a fatal or serious error: a panic, an
     * oops, a {@code BUG()}, a {@code WARN()} and a general protection fault.
     */
    private static final List<Pattern> PANIC_PATTERNS = List.of("Kernel panic", "Oops:", "BUG:", "WARNING: CPU:",
            "general protection fault").stream().map(s -> Pattern.compile(Pattern.quote(s))).toList();

    /**
     * Starts assertions on a console; prefer {@link GuestAssertions#assertThat(Console)}.
     *
     * @param actual the console, may be null (the assertions then fail)
     */
    public ConsoleAssert(Console actual) {
        super(actual, ConsoleAssert.class);
    }

    /**
     * Verifies that some line equals {@code line} exactly.
     *
     * <pre>{@code
     * // console lines: "probe: ready", "probe: done"
     * assertThat(console).containsLine("probe: done");   // passes
     * assertThat(console).containsLine("probe: don");    // fails: no line equals it
     * }</pre>
     *
     * @param line the whole line, without terminator
     * @return this assertion
     */
    public ConsoleAssert containsLine(String line) {
        Objects.requireNonNull(line, "line");
        isNotNull();
        if (!ConsoleTail.lines(actual).contains(line)) {
            throw failed("Expecting the console to contain the line\n  \"" + line + "\"\nbut no line equals it.");
        }
        return this;
    }

    /**
     * Verifies that no line equals {@code line} exactly.
     *
     * <pre>{@code
     * // console lines: "probe: ready", "probe: done"
     * assertThat(console).doesNotContainLine("probe: failed");   // passes
     * assertThat(console).doesNotContainLine("probe: done");     // fails
     * }</pre>
     *
     * @param line the whole line, without terminator
     * @return this assertion
     */
    public ConsoleAssert doesNotContainLine(String line) {
        Objects.requireNonNull(line, "line");
        isNotNull();
        List<String> lines = ConsoleTail.lines(actual);
        int index = lines.indexOf(line);
        if (index >= 0) {
            throw failed("Expecting the console not to contain the line\n  \"" + line + "\"\nbut line " + (index + 1)
                    + " is that line.");
        }
        return this;
    }

    /**
     * Verifies that {@code regex} is found in some line.
     *
     * <pre>{@code
     * // console lines: "probe: ready", "probe: flood 1", "probe: flood 2"
     * assertThat(console).containsLineMatching("flood \\d+$");   // passes
     * assertThat(console).containsLineMatching("flood 3");       // fails
     * }</pre>
     *
     * @param regex the pattern to find in a line
     * @return this assertion
     */
    public ConsoleAssert containsLineMatching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        isNotNull();
        if (ConsoleTail.lines(actual).stream().noneMatch(l -> pattern.matcher(l).find())) {
            throw failed("Expecting the console to contain a line matching\n  /" + regex + "/\nbut none does.");
        }
        return this;
    }

    /**
     * Verifies that {@code regex} is found in no line.
     *
     * <pre>{@code
     * // console lines: "probe: ready", "probe: done"
     * assertThat(console).doesNotContainLineMatching("error|fail");   // passes
     * assertThat(console).doesNotContainLineMatching("done");         // fails, naming the line
     * }</pre>
     *
     * @param regex the pattern that must not be found in any line
     * @return this assertion
     */
    public ConsoleAssert doesNotContainLineMatching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        isNotNull();
        List<String> found = matching(ConsoleTail.lines(actual), List.of(pattern));
        if (!found.isEmpty()) {
            throw failed("Expecting the console not to contain a line matching\n  /" + regex + "/\nbut found:\n"
                    + String.join("\n", found));
        }
        return this;
    }

    /**
     * Verifies that lines matching the patterns appear in this order, each after the previous
     * one's line, with any lines in between.
     *
     * <pre>{@code
     * // console lines: "probe: cmdline=...", "probe: ready", "probe: flood 1", "probe: flood 2"
     * assertThat(console).hasLinesInOrder("ready", "flood 1", "flood 2");   // passes
     * assertThat(console).hasLinesInOrder("flood 2", "flood 1");            // fails: no "flood 1" after "flood 2"
     * }</pre>
     *
     * @param regexes the patterns, each found in a line
     * @return this assertion
     */
    public ConsoleAssert hasLinesInOrder(String... regexes) {
        List<Pattern> patterns = Arrays.stream(regexes).map(Pattern::compile).toList();
        isNotNull();
        List<String> lines = ConsoleTail.lines(actual);
        int next = 0;
        int previous = -1;
        for (int i = 0; i < patterns.size(); i++) {
            Pattern pattern = patterns.get(i);
            while (next < lines.size() && !pattern.matcher(lines.get(next)).find()) {
                next++;
            }
            if (next == lines.size()) {
                String where = i == 0 ? "but no line matches /" + regexes[0] + "/."
                        : "but after /" + regexes[i - 1] + "/ (line " + (previous + 1) + ") no line matches /"
                                + regexes[i] + "/.";
                throw failed("Expecting the console to have lines matching, in this order,\n  "
                        + Arrays.stream(regexes).map(r -> "/" + r + "/").collect(Collectors.joining(", "))
                        + "\n" + where);
            }
            previous = next++;
        }
        return this;
    }

    /**
     * Waits until a complete line in which {@code regex} is found has been printed, at most
     * {@code timeout}; lines printed before the call count too. It returns as soon as the line is
     * there, and fails as soon as the guest ended without printing it (not when the timeout
     * passes). Like AssertJ's {@code succeedsWithin}, it is the way to assert on output that is
     * still to come, and, like it, it returns an assertion on what came: the first matching line.
     *
     * <pre>{@code
     * // a probe guest booted with "probe.exit=0": it prints its command line and "probe: ready" in
     * // a few milliseconds, then ends with exit status 0
     * assertThat(guest.console()).emitsWithin(Duration.ofSeconds(5), "probe: ready");              // passes
     * assertThat(guest.console()).emitsWithin(Duration.ofSeconds(5), "^probe: cmdline=")
     *         .endsWith("probe.exit=0");                                                          // asserts on the line
     * assertThat(guest.console()).emitsWithin(Duration.ofSeconds(60), "init: ready");              // fails once it ended
     * }</pre>
     *
     * <p>The failure message says what was awaited, whether the guest ended first (and how, for
     * example {@code "the guest ended first (exit status 3)"}) or still runs, how many complete
     * lines it printed, then the console tail. A test thread interrupted while waiting fails, and
     * keeps its interrupt flag.
     *
     * @param timeout how long to wait at most
     * @param regex the pattern to find in a line
     * @return an assertion on the first matching line, with this assertion's description
     */
    public AbstractStringAssert<?> emitsWithin(Duration timeout, String regex) {
        return emitsWithin(timeout, Pattern.compile(regex));
    }

    /**
     * Like {@link #emitsWithin(Duration, String)} with a compiled pattern (for flags such as
     * {@link Pattern#CASE_INSENSITIVE}).
     *
     * @param timeout how long to wait at most
     * @param pattern the pattern to find in a line
     * @return an assertion on the first matching line
     */
    public AbstractStringAssert<?> emitsWithin(Duration timeout, Pattern pattern) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pattern, "pattern");
        isNotNull();
        Optional<String> line;
        try {
            line = actual.awaitLine(pattern, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("Interrupted while waiting for the console to emit a line matching\n  /" + pattern + "/");
        }
        if (line.isEmpty()) {
            throw failure("%s", MissedLine.message("Expecting the console to emit", pattern, timeout, actual,
                    Optional.empty()));
        }
        AbstractStringAssert<?> lineAssert = Assertions.assertThat(line.get());
        return info.hasDescription() ? lineAssert.as(info.description()) : lineAssert;
    }

    /**
     * Verifies that no line shows a Linux kernel panic, oops, {@code BUG:}, {@code WARNING: CPU:}
     * or general protection fault (each found anywhere in a line).
     *
     * <p>A quick check on text, kept as it was: five phrases found anywhere in a line, so it also
     * fails on a program's {@code DEBUG:} output and passes reports that use none of them (a
     * {@code kernel BUG at} whose oops says {@code invalid opcode}, a divide error, hung tasks,
     * stalls, lockups, lockdep, the sanitizers). For the kernel's reports as the kernel prints
     * them, anchored at the start of its messages and each with a title, use
     * {@link GuestAssert#hasNoKernelReports()} ({@link Guest#kernelReports()}); the
     * {@link BootKernel#failOnReports()} policy applies them to every test.
     *
     * <pre>{@code
     * // console lines: "Run /init as init process", "init: ready"
     * assertThat(console).doesNotContainPanic();   // passes
     * // console lines: "Kernel panic - not syncing: No working init found."
     * assertThat(console).doesNotContainPanic();   // fails, naming the line
     * }</pre>
     *
     * @return this assertion
     */
    public ConsoleAssert doesNotContainPanic() {
        isNotNull();
        List<String> found = matching(ConsoleTail.lines(actual), PANIC_PATTERNS);
        if (!found.isEmpty()) {
            throw failed("Expecting the console to show no kernel panic, oops, BUG or WARNING, but found:\n"
                    + String.join("\n", found));
        }
        return this;
    }

    /** Lines in which any of the patterns is found, as {@code "  line N: text"}. */
    private static List<String> matching(List<String> lines, List<Pattern> patterns) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (patterns.stream().anyMatch(p -> p.matcher(line).find())) {
                found.add("  line " + (i + 1) + ": " + line);
            }
        }
        return found;
    }

    /** Formats a timeout for messages: whole seconds as {@code "30 s"}, anything else in ms. */
    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private AssertionError failed(String message) {
        return failure("%s", ConsoleTail.append(message, actual));
    }
}
