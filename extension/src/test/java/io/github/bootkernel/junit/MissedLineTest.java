package io.github.bootkernel.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The one "why no line came" message, in each of its states. */
class MissedLineTest {

    private static final Pattern READY = Pattern.compile("init: ready");

    @Test
    void aKnownEndSaysHowTheGuestEnded() {
        String message = MissedLine.message("guest 'g' did not boot (bootTimeout): expecting", READY,
                Duration.ofSeconds(60), Console.of("one\ntwo\n"), Optional.of(new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, "")));

        assertThat(message).isEqualTo("guest 'g' did not boot (bootTimeout): expecting a line matching\n"
                + "  /init: ready/\n"
                + "within 60 s, but none came: the guest ended first (exit status 3); it printed 2 complete lines.\n"
                + "\n"
                + "The console (2 lines):\n"
                + "  | one\n"
                + "  | two");
    }

    @Test
    void anEndedConsoleAloneSaysTheConsoleEnded() {
        String message = MissedLine.message("Expecting the console to emit", READY, Duration.ofMillis(1500),
                Console.of("/ # "), Optional.empty());

        assertThat(message).startsWith("Expecting the console to emit a line matching\n  /init: ready/\n"
                + "within 1500 ms, but none came: the console ended first; it printed no complete line.\n\n")
                .endsWith("  | / #    <- no newline yet");
    }

    @Test
    void aRunningGuestSaysItStillRuns() {
        String message = MissedLine.message("Expecting the console to emit", READY, Duration.ofSeconds(1),
                new RunningConsole(""), Optional.empty());

        assertThat(message).startsWith("Expecting the console to emit a line matching\n  /init: ready/\n"
                + "within 1 s, but none came: the guest still runs; it printed no complete line.")
                .endsWith("\n\nThe console is empty: the guest printed nothing yet.");
    }
}
