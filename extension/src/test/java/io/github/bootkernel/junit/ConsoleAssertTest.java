package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The console assertions, on consoles made from text ({@link RunningConsole} while the guest runs,
 * {@link Console#of(String)} once it ended): passing and failing cases, and the tail.
 */
class ConsoleAssertTest {

    private static final String BOOT = """
            Linux version 6.1.0 (debian-kernel@lists.debian.org)
            Run /init as init process
            init: ready
            / #\s""";

    /** A console whose guest still runs, having printed {@code text}. */
    private static RunningConsole console(String text) {
        return new RunningConsole(text);
    }

    @Test
    void containsLineComparesWholeLines() {
        Console console = console(BOOT);

        assertThat(console).containsLine("init: ready").containsLine("/ # ").doesNotContainLine("init: read");
        assertThatThrownBy(() -> assertThat(console).containsLine("init: read"))
                .hasMessageStartingWith("Expecting the console to contain the line\n  \"init: read\"\nbut no line equals it.")
                .hasMessageEndingWith("The console (4 lines):\n"
                        + "  | Linux version 6.1.0 (debian-kernel@lists.debian.org)\n"
                        + "  | Run /init as init process\n"
                        + "  | init: ready\n"
                        + "  | / #    <- no newline yet");
        assertThatThrownBy(() -> assertThat(console).doesNotContainLine("init: ready"))
                .hasMessageContaining("but line 3 is that line.");
    }

    @Test
    void lineMatchingFindsThePatternAnywhereInALine() {
        Console console = console(BOOT);

        assertThat(console).containsLineMatching("version \\d+\\.\\d+").doesNotContainLineMatching("^version");
        assertThatThrownBy(() -> assertThat(console).containsLineMatching("^ready"))
                .hasMessageStartingWith("Expecting the console to contain a line matching\n  /^ready/\nbut none does.")
                .hasMessageContaining("  | init: ready");
        assertThatThrownBy(() -> assertThat(console).doesNotContainLineMatching("init"))
                .hasMessageContaining("but found:\n  line 2: Run /init as init process\n  line 3: init: ready\n");
    }

    @Test
    void hasLinesInOrderAllowsLinesInBetween() {
        Console console = console(BOOT);

        assertThat(console).hasLinesInOrder("Linux version", "init: ready").hasLinesInOrder("init");
        assertThatThrownBy(() -> assertThat(console).hasLinesInOrder("init: ready", "Linux version"))
                .hasMessageContaining("/init: ready/, /Linux version/\n"
                        + "but after /init: ready/ (line 3) no line matches /Linux version/.");
        assertThatThrownBy(() -> assertThat(console).hasLinesInOrder("nothing"))
                .hasMessageContaining("but no line matches /nothing/.");
    }

    @Test
    void doesNotContainPanicNamesTheOffendingLines() {
        assertThat(console(BOOT)).doesNotContainPanic();
        for (String bad : new String[] {
            "[    1.23] Kernel panic - not syncing: VFS: Unable to mount root fs",
            "[    1.23] Oops: 0002 [#1] PREEMPT SMP NOPTI",
            "[    1.23] BUG: kernel NULL pointer dereference, address: 0000000000000000",
            "[    1.23] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 bar+0x1/0x2",
            "[    1.23] traps: init[1] general protection fault ip:4011b6 sp:7ffc error:0",
        }) {
            Console console = console("booting\n" + bad + "\nmore\n");
            assertThatThrownBy(() -> assertThat(console).doesNotContainPanic())
                    .hasMessageStartingWith("Expecting the console to show no kernel panic, oops, BUG or WARNING,"
                            + " but found:\n  line 2: " + bad + "\n")
                    .hasMessageEndingWith("  | more");
        }
    }

    @Test
    void emitsWithinWaitsForALineStillToCome() throws InterruptedException {
        RunningConsole console = console("booting\n");
        Thread guest = new Thread(() -> {
            sleep(100);
            console.print("init: ready\n");
        });
        guest.start();

        assertThat(console).emitsWithin(Duration.ofSeconds(10), "^init: ready$");
        guest.join();
    }

    @Test
    void emitsWithinFailsAfterTheTimeoutNamingThePattern() {
        Console console = console("booting\n");

        assertThatThrownBy(() -> assertThat(console).emitsWithin(Duration.ofMillis(50), "init: ready"))
                .hasMessageStartingWith("Expecting the console to emit a line matching\n  /init: ready/\nwithin 50 ms,"
                        + " but none came: the guest still runs; it printed 1 complete line.")
                .hasMessageEndingWith("The console (1 line):\n  | booting");
    }

    @Test
    void emitsWithinFailsAtOnceWhenTheConsoleEnded() {
        Console console = Console.of("booting\n");

        long start = System.nanoTime();
        assertThatThrownBy(() -> assertThat(console).emitsWithin(Duration.ofSeconds(30), "init: ready"))
                .hasMessageContaining("within 30 s, but none came: the console ended first; it printed 1 complete line.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void emitsWithinReturnsAnAssertionOnTheMatchedLine() {
        Console console = Console.of(BOOT);

        assertThat(console).emitsWithin(Duration.ZERO, "^Linux version").startsWith("Linux version 6.1.0")
                .contains("debian-kernel");
        assertThat(console).emitsWithin(Duration.ZERO, Pattern.compile("INIT:", Pattern.CASE_INSENSITIVE))
                .isEqualTo("init: ready");
        assertThatThrownBy(() -> assertThat(console).as("boot log").emitsWithin(Duration.ZERO, "init").endsWith("x"))
                .hasMessageStartingWith("[boot log] ")
                .hasMessageContaining("Run /init as init process");
    }

    @Test
    void failureMessagesEndWithTheLastThirtyLines() {
        Console console = console(IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i + "\n")
                .collect(Collectors.joining()));

        String expectedTail = IntStream.rangeClosed(71, 100).mapToObj(i -> "  | line " + i)
                .collect(Collectors.joining("\n"));
        assertThatThrownBy(() -> assertThat(console).containsLine("line 101"))
                .hasMessageEndingWith("\n\nThe last 30 of 100 console lines:\n" + expectedTail);
    }

    @Test
    void emptyConsoleSaysSo() {
        assertThatThrownBy(() -> assertThat(console("")).containsLine("x"))
                .hasMessageEndingWith("\n\nThe console is empty: the guest printed nothing yet.");
    }

    @Test
    void descriptionPrefixesTheMessage() {
        assertThatThrownBy(() -> assertThat(console(BOOT)).as("boot log").containsLine("x"))
                .hasMessageStartingWith("[boot log] Expecting the console to contain the line");
    }

    @Test
    void nullConsoleFails() {
        assertThatThrownBy(() -> assertThat((Console) null).containsLine("x"))
                .hasMessageContaining("Expecting actual not to be null");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
