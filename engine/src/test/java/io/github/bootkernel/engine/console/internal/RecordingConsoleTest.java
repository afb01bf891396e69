package io.github.bootkernel.engine.console.internal;

import static io.github.bootkernel.engine.console.internal.HistoryTest.LONG;
import static io.github.bootkernel.engine.console.internal.HistoryTest.sleep;
import static io.github.bootkernel.engine.console.internal.HistoryTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The parts together, fed bytes as the machine feeds them: what only the whole shows (the partial
 * line is never a line, one lock for replay and delivery, the bound under a byte flood).
 */
class RecordingConsoleTest {

    private static RecordingConsole console() {
        return (RecordingConsole) ConsoleSink.create();
    }

    private static void feed(ConsoleSink console, String text) {
        feed(console, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void feed(ConsoleSink console, byte... bytes) {
        for (byte b : bytes) {
            console.accept(b);
        }
    }

    @Test
    void sinkAndConsoleAreOneObjectWithTheDefaultBounds() {
        ConsoleSink sink = ConsoleSink.create();

        assertThat(sink.console()).isSameAs(sink.console());
        assertThat(sink.console().maxLineLength()).isEqualTo(Console.DEFAULT_MAX_LINE_LENGTH);
        assertThat(sink.console().maxHistoryBytes()).isEqualTo(Console.DEFAULT_MAX_HISTORY_BYTES);
    }

    @Test
    void textIsLinesEachEndedByNewlineThenPartial() {
        RecordingConsole console = console();
        assertThat(console.text()).isEmpty();
        feed(console, "one\r\ntwo\n/ # ");

        assertThat(console.text()).isEqualTo("one\ntwo\n/ # ");
    }

    @Test
    void snapshotsDoNotChangeAfterwards() {
        RecordingConsole console = console();
        feed(console, "a\nb\n");
        List<String> lines = console.lines();
        List<String> streamed = console.stream().collect(Collectors.toList());
        feed(console, "c\n");

        assertThat(lines).containsExactly("a", "b");
        assertThat(streamed).containsExactly("a", "b");
        assertThatThrownBy(() -> lines.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(console.lineCount()).isEqualTo(3);
    }

    @Test
    void awaitLineTimesOutWithEmpty() throws InterruptedException {
        RecordingConsole console = console();
        feed(console, "nothing here\nprompt without newline: match");

        assertThat(console.awaitLine(Pattern.compile("match"), Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void awaitLineReturnsPromptlyOnceEnded() throws InterruptedException {
        RecordingConsole console = console();
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
        RecordingConsole console = console();
        feed(console, "done\n/ # ");
        console.end();
        feed(console, "late\n");

        assertThat(console.partialLine()).isEqualTo("/ # ");
        assertThat(console.lines()).containsExactly("done");
        assertThat(console.awaitEnd(Duration.ZERO)).isTrue();
        assertThat(console.awaitLine(Pattern.compile("done"), LONG)).contains("done");
    }

    @Test
    void awaitLineSeesEveryLineOfAFastWriter() throws InterruptedException {
        RecordingConsole console = console();
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

    // ----------------------------------------------------------------------------- following

    @Test
    void followerReceivesCompletedLinesInOrder() throws InterruptedException {
        RecordingConsole console = console();
        feed(console, "before\n");
        List<String> seen = new ArrayList<>();
        Subscription subscription = console.follow(seen::add);
        feed(console, "one\ntwo\r\nthree\rpartial");
        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        subscription.close();

        assertThat(seen).containsExactly("one", "two", "three");
    }

    @Test
    void followerWithReplayGetsHistoryFirst() throws InterruptedException {
        RecordingConsole console = console();
        feed(console, "a\nb\n");
        List<String> seen = new ArrayList<>();
        Subscription subscription = console.follow(seen::add, true);
        feed(console, "c\n");
        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        subscription.close();

        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void replayIsAtomicUnderConcurrentWrites() throws InterruptedException {
        int total = 100_000;
        RecordingConsole console = console();
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
        List<String> seen = new ArrayList<>(); // written by the delivery thread, read after awaitDelivered
        Subscription subscription = console.follow(seen::add, true);
        writer.join();
        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        subscription.close();

        assertThat(console.droppedLines()).isZero();
        assertThat(subscription.droppedLines()).isZero();
        assertThat(seen).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (!seen.get(i).equals(Integer.toString(i))) {
                throw new AssertionError("line " + i + " was " + seen.get(i));
            }
        }
    }

    @Test
    void throwingFollowerDoesNotStopTheConsole() {
        RecordingConsole console = console();
        console.follow(line -> {
            throw new IllegalStateException("follower bug");
        });
        feed(console, "one\ntwo\n");

        assertThat(console.lines()).containsExactly("one", "two");
    }

    // --------------------------------------------------------------------------- memory bound

    @Test
    void floodIsBoundedKeepsTheNewestLinesAndCountsTheDropped() throws InterruptedException {
        long bound = 64 * 1024;
        RecordingConsole console = new RecordingConsole(256, bound);
        byte[] line = ("x".repeat(79) + "\n").getBytes(StandardCharsets.US_ASCII);
        long bytes = 50L * 1024 * 1024;
        long total = bytes / line.length;
        for (long i = 0; i < total - 1; i++) {
            feed(console, line);
        }
        feed(console, "the last line\n");

        List<String> kept = console.lines();
        long keptBytes = kept.stream().mapToLong(LineCost::of).sum();
        assertThat(console.droppedLines()).isPositive();
        assertThat(keptBytes).isLessThanOrEqualTo(bound).isGreaterThan(bound - LineCost.ofLongest(256))
                .isEqualTo(console.historyBytes());
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
        RecordingConsole console = new RecordingConsole(16, 1000);
        for (int i = 0; i < 1_000_000; i++) {
            console.accept('\n');
        }

        // an empty line holds only its 4-byte slot: 1000 / 4 of them fit
        assertThat(console.lines()).hasSize(250);
        assertThat(console.droppedLines()).isEqualTo(1_000_000 - 250);
        assertThat(console.historyBytes()).isEqualTo(1000);
    }

    @Test
    void rejectsBoundsThatCannotHoldALine() {
        assertThatThrownBy(() -> new RecordingConsole(100, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxHistoryBytes");
        assertThatThrownBy(() -> new RecordingConsole(1, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLineLength");
    }
}
