package io.github.bootkernel.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The read side as users see it: {@link Console#of(String)} and the waits' matching rules. */
class ConsoleTest {

    @Test
    void ofSplitsTheTextAsAGuestWouldAndIsEnded() throws InterruptedException {
        Console console = Console.of("Linux version 6.1.0\r\ninit: ready\n/ # ");

        assertThat(console.lines()).containsExactly("Linux version 6.1.0", "init: ready");
        assertThat(console.partialLine()).isEqualTo("/ # ");
        assertThat(console.text()).isEqualTo("Linux version 6.1.0\ninit: ready\n/ # ");
        assertThat(console.lineCount()).isEqualTo(2);
        assertThat(console.droppedLines()).isZero();
        assertThat(console.isEnded()).isTrue();
        assertThat(console.awaitEnd(Duration.ZERO)).isTrue();
        assertThat(console.maxLineLength()).isEqualTo(Console.DEFAULT_MAX_LINE_LENGTH);
        assertThat(console.maxHistoryBytes()).isEqualTo(Console.DEFAULT_MAX_HISTORY_BYTES);
        assertThat(console.endReason()).as("a console made from text had no guest").isEmpty();
    }

    @Test
    void ofEmptyTextIsAnEndedEmptyConsole() throws InterruptedException {
        Console console = Console.of("");

        assertThat(console.lines()).isEmpty();
        assertThat(console.text()).isEmpty();
        assertThat(console.isEnded()).isTrue();
        assertThat(console.awaitLine(Pattern.compile(""), Duration.ofSeconds(60))).isEmpty();
    }

    @Test
    void awaitLineFindsALineAlreadyPresent() throws InterruptedException {
        Console console = Console.of("Linux version 6.6.1\nRun /init as init process\n");

        assertThat(console.awaitLine(Pattern.compile("init"), Duration.ZERO))
                .contains("Run /init as init process");
    }

    @Test
    void awaitLineUsesFindNotWholeLineMatch() throws InterruptedException {
        Console console = Console.of("[    0.000000] Linux version 6.6.1\n");

        assertThat(console.awaitLine(Pattern.compile("Linux version \\d"), Duration.ZERO))
                .isPresent();
        assertThat(console.awaitLine(Pattern.compile("^Linux"), Duration.ZERO)).isEmpty();
    }

    @Test
    void awaitLineFromLineUsesAbsoluteIndexes() throws InterruptedException {
        Console console = Console.of("/ # echo hi\nhi\n/ # echo hi\nhi\n");

        assertThat(console.awaitLine(Pattern.compile("^/ #"), Duration.ZERO, 3)).isEmpty();
        assertThat(console.awaitLine(Pattern.compile("^/ #"), Duration.ZERO, 2)).contains("/ # echo hi");
        assertThat(console.awaitLine(s -> s.equals("hi"), Duration.ZERO)).contains("hi");
    }

    @Test
    void followWithReplayGetsTheWholeHistory() throws InterruptedException {
        Console console = Console.of("a\nb\n");
        List<String> seen = new ArrayList<>();
        Subscription subscription = console.follow(seen::add, true);
        assertThat(subscription.awaitDelivered(Duration.ofSeconds(60))).isTrue();
        subscription.close();
        assertThat(seen).containsExactly("a", "b");
        List<String> live = new ArrayList<>();
        console.follow(live::add).close();
        assertThat(live).isEmpty();
    }
}
