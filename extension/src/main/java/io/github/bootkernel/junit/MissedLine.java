package io.github.bootkernel.junit;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Says why an awaited console line did not come: the one message of
 * {@link ConsoleAssert#emitsWithin(Duration, Pattern)} and of the boot's {@code awaitLine} wait.
 *
 * <pre>
 * Expecting the console to emit a line matching
 *   /init: ready/
 * within 30 s, but none came: the guest ended first (PANIC: Kernel panic - not syncing: ...); it
 * printed 212 complete lines.
 *
 * The last 30 of 212 console lines:
 *   | ...
 * </pre>
 */
final class MissedLine {

    private MissedLine() {
    }

    /**
     * Builds the message: what was awaited, whether the guest ended first (and how: from
     * {@code exit}, else from the console's {@link Console#endReason()}) or still runs, how many
     * complete lines it printed (only those can match), then the
     * {@linkplain ConsoleTail console tail}. A guest that still runs on a PVM host gets
     * {@link KvmCheck#pvmHint() the hint} that stock kernels crawl there.
     *
     * @param expecting the start of the first sentence, followed by {@code " a line matching"}
     * @param pattern the awaited pattern
     * @param timeout how long the wait lasted
     * @param console the console waited on, read after the wait
     * @param exit how the guest ended, when the caller knows it; empty for a console alone, which
     *     then says how its guest ended, or only that it ended (a console made from text)
     * @return the message, ending with the console tail
     */
    static String message(String expecting, Pattern pattern, Duration timeout, Console console,
            Optional<GuestExit> exit) {
        String state = exit.map(GuestExit::toString).or(console::endReason).map(e -> "the guest ended first (" + e + ")")
                .orElse(console.isEnded() ? "the console ended first" : "the guest still runs");
        long lines = console.lineCount();
        String printed = lines == 0 ? "no complete line" : lines + (lines == 1 ? " complete line" : " complete lines");
        String hint = exit.isEmpty() && !console.isEnded() ? KvmCheck.pvmHint() : "";
        return ConsoleTail.append(expecting + " a line matching\n  /" + pattern + "/\nwithin "
                + ConsoleAssert.human(timeout) + ", but none came: " + state + "; it printed " + printed + "."
                + hint, console);
    }
}
