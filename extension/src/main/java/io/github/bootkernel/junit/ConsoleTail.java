package io.github.bootkernel.junit;

import io.github.bootkernel.engine.console.Console;
import java.util.ArrayList;
import java.util.List;

/** Formats the end of a console for failure messages: every message about a guest ends with it. */
final class ConsoleTail {

    /** How many console lines a failure message shows. */
    static final int LINES = 30;

    private ConsoleTail() {
    }

    /**
     * The complete lines followed by the unterminated one, if any: what assertions look at.
     *
     * @param console the console
     * @return a snapshot
     */
    static List<String> lines(Console console) {
        List<String> lines = new ArrayList<>(console.lines());
        String partial = console.partialLine();
        if (!partial.isEmpty()) {
            lines.add(partial);
        }
        return lines;
    }

    /**
     * Appends the last {@value #LINES} console lines to a message.
     *
     * @param message what went wrong, without a trailing newline
     * @param console the guest's console
     * @return {@code message}, a blank line and the console tail
     */
    static String append(String message, Console console) {
        return message + "\n\n" + of(console);
    }

    /**
     * Formats the last {@value #LINES} lines, the unterminated line included, each prefixed with
     * {@code "  | "}.
     *
     * @param console the guest's console
     * @return the tail with a heading, or a sentence saying the console is empty
     */
    static String of(Console console) {
        String partial = console.partialLine();
        List<String> tail = console.tail(partial.isEmpty() ? LINES : LINES - 1);
        if (tail.isEmpty() && partial.isEmpty()) {
            return "The console is empty: the guest printed nothing" + (console.isEnded() ? "." : " yet.");
        }
        long total = console.lineCount() + (partial.isEmpty() ? 0 : 1);
        int shown = tail.size() + (partial.isEmpty() ? 0 : 1);
        StringBuilder out = new StringBuilder();
        out.append(shown == total ? "The console (" + total + (total == 1 ? " line):" : " lines):")
                : "The last " + shown + " of " + total + " console lines:");
        for (String line : tail) {
            out.append("\n  | ").append(line);
        }
        if (!partial.isEmpty()) {
            out.append("\n  | ").append(partial).append("   <- no newline yet");
        }
        return out.toString();
    }
}
