package io.github.bootkernel.engine.report;

/**
 * One console line split into what printk put before the message and the message itself.
 *
 * <p>The prefix, in the order printk writes it (kernel/printk/printk.c, {@code info_print_prefix}):
 * an optional log level {@code <N>} (as {@code dmesg -r} and {@code /dev/kmsg} show it), an
 * optional timestamp {@code [   12.345678]} ({@code CONFIG_PRINTK_TIME}) and an optional caller
 * id {@code [  T123]} or {@code [    C1]} ({@code CONFIG_PRINTK_CALLER}). A timestamp that is not at
 * the start of the line marks a kernel message that landed after a program's unterminated output
 * (a shell prompt): the message starts after it. Without a timestamp the message is the whole
 * line after the level, so a report's header must start the line.
 *
 * @param message the text after the prefix, with the one space printk puts after a timestamp or
 *     caller id removed; leading spaces of the message itself (trace frames) are kept
 * @param micros the timestamp in microseconds, or -1 without one
 * @param caller the caller id ({@code T123}, {@code C1}), or {@code null} without one
 */
record ConsoleLine(String message, long micros, String caller) {

    /** Whether the line carried a printk timestamp: then it is the kernel's, not a program's. */
    boolean timestamped() {
        return micros >= 0;
    }

    static ConsoleLine parse(String line) {
        int at = 0;
        if (line.length() >= 3 && line.charAt(0) == '<' && Character.isDigit(line.charAt(1)) && line.charAt(2) == '>') {
            at = 3;
        }
        long micros = -1;
        int end = timestampEnd(line, at);
        if (end < 0) {
            // A kernel message after a program's partial line: "/ # [    5.123456] sysrq: ...".
            for (int i = line.indexOf('[', at + 1); i >= 0 && end < 0; i = line.indexOf('[', i + 1)) {
                end = timestampEnd(line, i);
                if (end >= 0) {
                    at = i;
                }
            }
        }
        if (end >= 0) {
            micros = micros(line, at, end);
            at = end;
        }
        String caller = null;
        int callerEnd = callerEnd(line, at);
        if (callerEnd >= 0) {
            caller = line.substring(at + 1, callerEnd - 1).strip();
            at = callerEnd;
        }
        if ((end >= 0 || callerEnd >= 0) && at < line.length() && line.charAt(at) == ' ') {
            at++;
        }
        return new ConsoleLine(line.substring(at), micros, caller);
    }

    /** The index after {@code [  seconds.fraction]} starting at {@code from}, or -1. */
    private static int timestampEnd(String line, int from) {
        if (from >= line.length() || line.charAt(from) != '[') {
            return -1;
        }
        int i = from + 1;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int digits = i;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            i++;
        }
        if (i == digits || i >= line.length() || line.charAt(i) != '.') {
            return -1;
        }
        int fraction = ++i;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            i++;
        }
        if (i == fraction || i >= line.length() || line.charAt(i) != ']') {
            return -1;
        }
        return i + 1;
    }

    private static long micros(String line, int from, int end) {
        String text = line.substring(from + 1, end - 1).strip();
        int dot = text.indexOf('.');
        String fraction = (text.substring(dot + 1) + "000000").substring(0, 6);
        try {
            return Long.parseLong(text.substring(0, dot)) * 1_000_000 + Long.parseLong(fraction);
        } catch (NumberFormatException e) {
            return -1; // more digits than a long holds: not a timestamp printk writes
        }
    }

    /** The index after {@code [  T123]} or {@code [    C1]} starting at {@code from}, or -1. */
    private static int callerEnd(String line, int from) {
        if (from >= line.length() || line.charAt(from) != '[') {
            return -1;
        }
        int i = from + 1;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i >= line.length() || (line.charAt(i) != 'T' && line.charAt(i) != 'C')) {
            return -1;
        }
        int digits = ++i;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            i++;
        }
        return i > digits && i < line.length() && line.charAt(i) == ']' ? i + 1 : -1;
    }
}
