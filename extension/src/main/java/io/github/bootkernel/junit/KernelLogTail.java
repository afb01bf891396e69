package io.github.bootkernel.junit;

import io.github.bootkernel.engine.kmsg.KernelLog;
import java.util.List;

/** Formats the end of a kernel log for failure messages: every message about a kernel log ends with it. */
final class KernelLogTail {

    /** How many records a failure message shows. */
    static final int RECORDS = 20;

    private KernelLogTail() {
    }

    /**
     * Appends the last {@value #RECORDS} records to a message.
     *
     * @param message what went wrong, without a trailing newline
     * @param log the kernel log
     * @return {@code message}, a blank line and the tail
     */
    static String append(String message, KernelLog log) {
        return message + "\n\n" + of(log);
    }

    /**
     * Formats the last {@value #RECORDS} records as {@code dmesg -r} prints them, each line
     * prefixed with {@code "  | "}, after a heading that counts the records and names the gaps.
     *
     * @param log the kernel log
     * @return the tail with a heading, or a sentence saying why the log is empty
     */
    static String of(KernelLog log) {
        List<String> tail = log.tail(RECORDS);
        int kept = log.records().size();
        if (kept == 0) {
            return "The kernel log is empty: " + log.unavailableReason().map(r -> "the agent cannot stream it (" + r + ")")
                    .orElse(log.isEnded() ? "no record arrived (does the guest run the agent?)" : "no record arrived yet")
                    + ".";
        }
        StringBuilder out = new StringBuilder("The kernel log, ");
        out.append(kept <= RECORDS ? kept + (kept == 1 ? " record" : " records") : "the last " + RECORDS + " of " + kept
                + " records");
        if (log.lostRecords() > 0) {
            out.append(" (").append(log.lostRecords()).append(" lost)");
        }
        out.append(':');
        for (String line : tail) {
            out.append("\n  | ").append(line);
        }
        return out.toString();
    }
}
