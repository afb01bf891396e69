package io.github.bootkernel.junit;

import io.github.bootkernel.engine.agent.ExecResult;
import java.util.List;
import java.util.Map;

/**
 * Describes a command's result for failure messages: how it ended, and the tails of its standard
 * output and error, each line prefixed with {@code "  | "} as the console tail is.
 */
final class ExecReport {

    /** How many lines of each stream a message shows. */
    static final int LINES = 20;
    /** Longer lines are cut here: output may be binary or have no newline at all. */
    static final int LINE_CHARS = 300;

    /** Linux's signal names (x86), by number. */
    private static final Map<Integer, String> SIGNALS = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"),
            Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(10, "SIGUSR1"),
            Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"), Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"), Map.entry(16, "SIGSTKFLT"), Map.entry(17, "SIGCHLD"), Map.entry(18, "SIGCONT"),
            Map.entry(19, "SIGSTOP"), Map.entry(20, "SIGTSTP"), Map.entry(21, "SIGTTIN"), Map.entry(22, "SIGTTOU"),
            Map.entry(23, "SIGURG"), Map.entry(24, "SIGXCPU"), Map.entry(25, "SIGXFSZ"), Map.entry(26, "SIGVTALRM"),
            Map.entry(27, "SIGPROF"), Map.entry(28, "SIGWINCH"), Map.entry(29, "SIGIO"), Map.entry(30, "SIGPWR"),
            Map.entry(31, "SIGSYS"));

    private ExecReport() {
    }

    /** @return for example {@code "signal 9 (SIGKILL)"} */
    static String signal(int number) {
        String name = SIGNALS.get(number);
        if (name == null && number >= 34 && number <= 64) {
            name = "SIGRTMIN+" + (number - 34);
        }
        return "signal " + number + (name == null ? "" : " (" + name + ")");
    }

    /**
     * How the command ended, in words.
     *
     * @return for example {@code "exit status 7 after 12 ms"}, or
     *     {@code "signal 9 (SIGKILL) at its time limit of 2 s after 2003 ms"}
     */
    static String end(ExecResult result) {
        String how = result.signal().isPresent() ? "was killed by " + signal(result.signal().getAsInt())
                : "exited with status " + result.exitCode().orElseThrow();
        if (result.timedOut()) {
            how = "reached its time limit of " + ConsoleAssert.human(result.exec().timeout()) + " and " + how;
        }
        return how + " after " + result.duration().toMillis() + " ms";
    }

    /**
     * The tails of both streams.
     *
     * @return {@code "stdout (N lines):\n  | ..."} then the same for stderr
     */
    static String streams(ExecResult result) {
        return stream("stdout", result.stdout(), result.stdoutDropped()) + "\n"
                + stream("stderr", result.stderr(), result.stderrDropped());
    }

    private static String stream(String name, String text, long dropped) {
        String more = dropped > 0 ? ", and " + dropped + " bytes beyond the " + ExecResult.MAX_KEPT_BYTES
                + " kept were dropped" : "";
        if (text.isEmpty()) {
            return name + ": empty" + more;
        }
        boolean unterminated = !text.endsWith("\n");
        List<String> lines = List.of((unterminated ? text : text.substring(0, text.length() - 1)).split("\n", -1));
        List<String> tail = lines.subList(Math.max(0, lines.size() - LINES), lines.size());
        StringBuilder out = new StringBuilder(name).append(tail.size() == lines.size()
                ? " (" + lines.size() + (lines.size() == 1 ? " line" : " lines")
                : " (last " + tail.size() + " of " + lines.size() + " lines").append(more).append("):");
        for (String line : tail) {
            out.append("\n  | ").append(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "..." : line);
        }
        if (unterminated) {
            out.append("   <- no newline at the end");
        }
        return out.toString();
    }
}
