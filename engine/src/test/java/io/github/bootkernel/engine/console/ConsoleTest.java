package io.github.bootkernel.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    /** Long enough never to expire on a loaded machine; tests only check "well before" it. */
    private static final Duration LONG = Duration.ofSeconds(60);

    private static void feed(Console console, String text) {
        feed(console, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void feed(Console console, byte... bytes) {
        for (byte b : bytes) {
            console.accept(b);
        }
    }

    /** Runs {@code body} on a new daemon thread, started. */
    private static Thread start(Runnable body) {
        Thread thread = new Thread(body, "console-test-writer");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------ assembly

    @Test
    void lfCrLfAndLoneCrEndLinesAndAreStripped() {
        Console console = new Console();
        feed(console, "lf\ncrlf\r\nlone\rnext\n\nafter-empty\n");

        assertThat(console.lines())
                .containsExactly("lf", "crlf", "lone", "next", "", "after-empty");
        assertThat(console.partialLine()).isEmpty();
    }

    @Test
    void ttyDoubledCrBeforeLfIsOneTerminator() {
        Console console = new Console();
        feed(console, "one\r\r\ntwo\r\n\r\nthree\r");

        assertThat(console.lines()).containsExactly("one", "two", "", "three");
    }

    @Test
    void crLfSplitAcrossTimeStillEndsOneLine() {
        Console console = new Console();
        feed(console, "a\r");
        assertThat(console.lines()).containsExactly("a");
        feed(console, "\nb\n");
        assertThat(console.lines()).containsExactly("a", "b");
    }

    @Test
    void decodesMultiByteUtf8() {
        Console console = new Console();
        feed(console, "héllo € 𝄞 日本\n");

        assertThat(console.lines()).containsExactly("héllo € 𝄞 日本");
    }

    @Test
    void replacesMalformedUtf8LikeTheJdkDoes() {
        byte[] line = {'a', (byte) 0xFF, 'b', (byte) 0xE2, (byte) 0x82, 'c', (byte) 0x80, 'd',
            (byte) 0xC3, (byte) 0xA9};
        Console console = new Console();
        feed(console, line);
        feed(console, (byte) '\n');

        assertThat(console.lines())
                .containsExactly(new String(line, StandardCharsets.UTF_8))
                .first().asString().contains("\uFFFD").startsWith("a").endsWith("dé");
    }

    @Test
    void truncatedSequenceAtLineEndIsReplaced() {
        Console console = new Console();
        feed(console, (byte) 'x', (byte) 0xE2, (byte) 0x82, (byte) '\n', (byte) 'y', (byte) '\n');

        assertThat(console.lines()).containsExactly("x\uFFFD", "y");
    }

    @Test
    void splitsOverlongLines() {
        Console console = new Console(10, 1000);
        feed(console, "a".repeat(25) + "\n" + "b".repeat(10) + "\n");

        assertThat(console.lines())
                .containsExactly("a".repeat(10), "a".repeat(10), "a".repeat(5), "b".repeat(10));
    }

    @Test
    void splitNeverBreaksASurrogatePair() {
        Console console = new Console(10, 1000);
        feed(console, "a".repeat(9) + "𝄞z\n");

        assertThat(console.lines()).containsExactly("a".repeat(9), "𝄞z");
    }

    @Test
    void partialLineIsTheUnterminatedTail() {
        Console console = new Console();
        feed(console, "boot ok\n/ # ");

        assertThat(console.partialLine()).isEqualTo("/ # ");
        assertThat(console.lines()).containsExactly("boot ok");
    }

    @Test
    void textIsLinesEachEndedByNewlineThenPartial() {
        Console console = new Console();
        assertThat(console.text()).isEmpty();
        feed(console, "one\r\ntwo\n/ # ");

        assertThat(console.text()).isEqualTo("one\ntwo\n/ # ");
    }

    @Test
    void tailReturnsTheLastLines() {
        Console console = new Console();
        for (int i = 0; i < 10; i++) {
            feed(console, "line " + i + "\n");
        }

        assertThat(console.tail(3)).containsExactly("line 7", "line 8", "line 9");
        assertThat(console.tail(50)).hasSize(10);
        assertThat(console.tail(0)).isEmpty();
        assertThatThrownBy(() -> console.tail(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotsDoNotChangeAfterwards() {
        Console console = new Console();
        feed(console, "a\nb\n");
        List<String> lines = console.lines();
        List<String> streamed = console.stream().collect(Collectors.toList());
        feed(console, "c\n");

        assertThat(lines).containsExactly("a", "b");
        assertThat(streamed).containsExactly("a", "b");
        assertThatThrownBy(() -> lines.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(console.lineCount()).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------- waiting

    @Test
    void awaitLineFindsALineAlreadyPresent() throws InterruptedException {
        Console console = new Console();
        feed(console, "Linux version 6.6.1\nRun /init as init process\n");

        assertThat(console.awaitLine(Pattern.compile("init"), Duration.ZERO))
                .contains("Run /init as init process");
    }

    @Test
    void awaitLineUsesFindNotWholeLineMatch() throws InterruptedException {
        Console console = new Console();
        feed(console, "[    0.000000] Linux version 6.6.1\n");

        assertThat(console.awaitLine(Pattern.compile("Linux version \\d"), Duration.ZERO))
                .isPresent();
        assertThat(console.awaitLine(Pattern.compile("^Linux"), Duration.ZERO)).isEmpty();
    }

    @Test
    void awaitLineIsWokenByALineWrittenLater() throws InterruptedException {
        Console console = new Console();
        feed(console, "booting\n");
        Thread writer = start(() -> {
            sleep(200);
            feed(console, "noise\nlogin: ready\n");
        });

        long started = System.nanoTime();
        Optional<String> line = console.awaitLine(Pattern.compile("ready"), LONG);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(line).contains("login: ready");
        assertThat(waited).isLessThan(LONG.dividedBy(2));
        writer.join();
    }

    @Test
    void awaitLineWithPredicate() throws InterruptedException {
        Console console = new Console();
        Thread writer = start(() -> feed(console, "x=1\nx=42\n"));

        assertThat(console.awaitLine(s -> s.endsWith("42"), LONG)).contains("x=42");
        writer.join();
    }

    @Test
    void awaitLineTimesOutWithEmpty() throws InterruptedException {
        Console console = new Console();
        feed(console, "nothing here\nprompt without newline: match");

        assertThat(console.awaitLine(Pattern.compile("match"), Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void awaitLineReturnsPromptlyOnceEnded() throws InterruptedException {
        Console console = new Console();
        Thread ender = start(() -> {
            sleep(100);
            feed(console, "Kernel panic\n");
            console.end();
        });

        long started = System.nanoTime();
        Optional<String> line = console.awaitLine(Pattern.compile("never"), LONG);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(line).isEmpty();
        assertThat(waited).isLessThan(LONG.dividedBy(2));
        assertThat(console.isEnded()).isTrue();
        ender.join();
    }

    @Test
    void endKeepsThePartialLineAndIgnoresLaterBytes() throws InterruptedException {
        Console console = new Console();
        feed(console, "done\n/ # ");
        console.end();
        feed(console, "late\n");

        assertThat(console.partialLine()).isEqualTo("/ # ");
        assertThat(console.lines()).containsExactly("done");
        assertThat(console.awaitEnd(Duration.ZERO)).isTrue();
        assertThat(console.awaitLine(Pattern.compile("done"), LONG)).contains("done");
    }

    @Test
    void awaitEndWaitsForEnd() throws InterruptedException {
        Console console = new Console();
        assertThat(console.awaitEnd(Duration.ofMillis(20))).isFalse();
        Thread ender = start(() -> {
            sleep(100);
            console.end();
        });

        assertThat(console.awaitEnd(LONG)).isTrue();
        ender.join();
    }

    @Test
    void awaitLineFromLineIgnoresEarlierOutput() throws InterruptedException {
        Console console = new Console();
        feed(console, "/ # echo hi\nhi\n");
        long mark = console.lineCount();
        assertThat(mark).isEqualTo(2);

        assertThat(console.awaitLine(Pattern.compile("^hi$"), Duration.ofMillis(20), mark))
                .isEmpty();
        Thread writer = start(() -> feed(console, "/ # echo hi\nhi\n"));

        assertThat(console.awaitLine(s -> s.equals("hi"), LONG, mark)).contains("hi");
        writer.join();
        assertThat(console.awaitLine(s -> s.startsWith("/ #"), Duration.ZERO, 3)).isEmpty();
        assertThat(console.awaitLine(s -> s.startsWith("/ #"), Duration.ZERO, 2)).isPresent();
    }

    @Test
    void interruptedWaiterGetsInterruptedException() throws InterruptedException {
        Console console = new Console();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            entered.countDown();
            try {
                console.awaitLine(Pattern.compile("never"), LONG);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        waiter.start();
        entered.await();
        sleep(50); // let it reach the wait; the outcome is the same if it has not yet
        waiter.interrupt();
        waiter.join(LONG.toMillis());

        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void alreadyInterruptedThreadThrowsAndKeepsNoStaleState() {
        Console console = new Console();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> console.awaitEnd(LONG))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    // ----------------------------------------------------------------------------- following

    @Test
    void followerReceivesCompletedLinesInOrder() {
        Console console = new Console();
        feed(console, "before\n");
        List<String> seen = new ArrayList<>();
        Console.Subscription subscription = console.follow(seen::add);
        feed(console, "one\ntwo\r\nthree\rpartial");
        subscription.close();

        assertThat(seen).containsExactly("one", "two", "three");
    }

    @Test
    void followerWithReplayGetsHistoryFirst() {
        Console console = new Console();
        feed(console, "a\nb\n");
        List<String> seen = new ArrayList<>();
        Console.Subscription subscription = console.follow(seen::add, true);
        feed(console, "c\n");
        subscription.close();

        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void replayIsAtomicUnderConcurrentWrites() throws InterruptedException {
        int total = 100_000;
        Console console = new Console();
        CountDownLatch midway = new CountDownLatch(1);
        Thread writer = start(() -> {
            for (int i = 0; i < total; i++) {
                feed(console, i + "\n");
                if (i == total / 10) {
                    midway.countDown();
                }
            }
            console.end();
        });
        midway.await();
        List<String> seen = new ArrayList<>(); // guarded by the console lock during delivery
        Console.Subscription subscription = console.follow(seen::add, true);
        writer.join();
        subscription.close();

        assertThat(console.droppedLines()).isZero();
        assertThat(seen).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (!seen.get(i).equals(Integer.toString(i))) {
                throw new AssertionError("line " + i + " was " + seen.get(i));
            }
        }
    }

    @Test
    void throwingFollowerIsRemovedAndOthersGoOn() {
        Console console = new Console();
        List<String> good = new ArrayList<>();
        List<String> badSaw = new ArrayList<>();
        console.follow(line -> {
            badSaw.add(line);
            throw new IllegalStateException("follower bug");
        });
        Console.Subscription subscription = console.follow(good::add);
        feed(console, "one\ntwo\n");
        subscription.close();

        assertThat(badSaw).containsExactly("one");
        assertThat(good).containsExactly("one", "two");
        assertThat(console.lines()).containsExactly("one", "two");
    }

    @Test
    void followerThrowingDuringReplayIsNotRegistered() {
        Console console = new Console();
        feed(console, "a\nb\n");
        List<String> saw = new ArrayList<>();
        Console.Subscription subscription = console.follow(line -> {
            saw.add(line);
            throw new AssertionError("boom");
        }, true);
        feed(console, "c\n");
        subscription.close();

        assertThat(saw).containsExactly("a");
    }

    @Test
    void closedSubscriptionStopsDeliveryAndCloseIsIdempotent() {
        Console console = new Console();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Console.Subscription s1 = console.follow(first::add);
        Console.Subscription s2 = console.follow(second::add);
        feed(console, "one\n");
        s1.close();
        s1.close();
        feed(console, "two\n");
        s2.close();
        feed(console, "three\n");

        assertThat(first).containsExactly("one");
        assertThat(second).containsExactly("one", "two");
    }

    @Test
    void followerMayCloseItselfWhileBeingCalled() {
        Console console = new Console();
        List<String> seen = new ArrayList<>();
        AtomicReference<Console.Subscription> self = new AtomicReference<>();
        self.set(console.follow(line -> {
            seen.add(line);
            self.get().close();
        }));
        feed(console, "one\ntwo\n");

        assertThat(seen).containsExactly("one");
    }

    // --------------------------------------------------------------------------- memory bound

    @Test
    void floodIsBoundedKeepsTheNewestLinesAndCountsTheDropped() throws InterruptedException {
        long bound = 64 * 1024;
        Console console = new Console(256, bound);
        byte[] line = ("x".repeat(79) + "\n").getBytes(StandardCharsets.US_ASCII);
        long bytes = 50L * 1024 * 1024;
        long total = bytes / line.length;
        for (long i = 0; i < total - 1; i++) {
            feed(console, line);
        }
        feed(console, "the last line\n");

        List<String> kept = console.lines();
        long keptChars = kept.stream().mapToLong(s -> s.length() + 1L).sum();
        assertThat(console.droppedLines()).isPositive();
        assertThat(keptChars).isLessThanOrEqualTo(bound).isGreaterThan(bound - 256);
        assertThat(kept).last().isEqualTo("the last line");
        assertThat(console.lineCount()).isEqualTo(total);
        assertThat(console.droppedLines() + kept.size()).isEqualTo(total);
        assertThat(console.text()).hasSizeLessThanOrEqualTo((int) bound).endsWith("the last line\n");
        // Absolute indexes survive eviction.
        assertThat(console.awaitLine(s -> s.equals("the last line"), Duration.ZERO, total - 1))
                .isPresent();
        assertThat(console.awaitLine(s -> true, Duration.ZERO, 0)).isPresent();
    }

    @Test
    void floodOfEmptyLinesIsBoundedToo() {
        Console console = new Console(16, 1000);
        for (int i = 0; i < 1_000_000; i++) {
            console.accept('\n');
        }

        assertThat(console.lines()).hasSize(1000);
        assertThat(console.droppedLines()).isEqualTo(999_000);
    }

    @Test
    void rejectsBoundsThatCannotHoldALine() {
        assertThatThrownBy(() -> new Console(100, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxHistoryChars");
        assertThatThrownBy(() -> new Console(1, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineLength");
    }

    @Test
    void awaitLineSeesEveryLineOfAFastWriter() throws InterruptedException {
        Console console = new Console();
        int total = 20_000;
        Thread writer = start(() -> {
            for (int i = 0; i < total; i++) {
                feed(console, "n" + i + "\n");
            }
        });

        assertThat(console.awaitLine(Pattern.compile("^n" + (total - 1) + "$"), LONG)).isPresent();
        writer.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(console.lineCount()).isEqualTo(total);
    }
}
