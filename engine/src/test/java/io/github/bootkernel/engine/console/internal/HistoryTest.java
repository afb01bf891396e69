package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The bounded history alone: snapshots, absolute indexes, eviction, and the waits. */
class HistoryTest {

    /** Long enough never to expire on a loaded machine; tests only check "well before" it. */
    static final Duration LONG = Duration.ofSeconds(60);

    private static History history(long maxBytes) {
        return new History(maxBytes, new ReentrantLock());
    }

    private static History history() {
        return history(1 << 20);
    }

    private static void add(History history, String... lines) {
        for (String line : lines) {
            history.add(line);
        }
    }

    /** Runs {@code body} on a new daemon thread, started. */
    static Thread start(Runnable body) {
        Thread thread = new Thread(body, "console-test-writer");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------ snapshots

    @Test
    void tailReturnsTheLastLines() {
        History history = history();
        for (int i = 0; i < 10; i++) {
            history.add("line " + i);
        }

        assertThat(history.tail(3)).containsExactly("line 7", "line 8", "line 9");
        assertThat(history.tail(50)).hasSize(10);
        assertThat(history.tail(0)).isEmpty();
        assertThatThrownBy(() -> history.tail(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textIsEachLineEndedByNewlineThenTheSuffix() {
        History history = history();
        assertThat(history.text("")).isEmpty();
        add(history, "one", "two");

        assertThat(history.text("/ # ")).isEqualTo("one\ntwo\n/ # ");
    }

    // ------------------------------------------------------------------------------- waiting

    @Test
    void awaitLineFindsALineAlreadyPresent() throws InterruptedException {
        History history = history();
        add(history, "Linux version 6.6.1", "Run /init as init process");

        assertThat(history.awaitLine(s -> s.contains("init"), Duration.ZERO, 0))
                .contains("Run /init as init process");
    }

    @Test
    void awaitLineIsWokenByALineWrittenLater() throws InterruptedException {
        History history = history();
        history.add("booting");
        Thread writer = start(() -> {
            sleep(200);
            add(history, "noise", "login: ready");
        });

        long started = System.nanoTime();
        Optional<String> line = history.awaitLine(s -> s.contains("ready"), LONG, 0);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(line).contains("login: ready");
        assertThat(waited).isLessThan(LONG.dividedBy(2));
        writer.join();
    }

    @Test
    void awaitLineWithPredicate() throws InterruptedException {
        History history = history();
        Thread writer = start(() -> add(history, "x=1", "x=42"));

        assertThat(history.awaitLine(s -> s.endsWith("42"), LONG, 0)).contains("x=42");
        writer.join();
    }

    @Test
    void endedHistoryStillAnswersFromItsLines() throws InterruptedException {
        History history = history();
        history.add("done");
        assertThat(history.endReason()).isEmpty();
        history.end("exit status 3");
        history.end("a second end changes nothing");

        assertThat(history.endReason()).contains("exit status 3");
        assertThat(history.awaitEnd(Duration.ZERO)).isTrue();
        assertThat(history.awaitLine(s -> s.equals("done"), LONG, 0)).contains("done");
    }

    @Test
    void awaitEndWaitsForEnd() throws InterruptedException {
        History history = history();
        assertThat(history.awaitEnd(Duration.ofMillis(20))).isFalse();
        Thread ender = start(() -> {
            sleep(100);
            history.end(null);
        });

        assertThat(history.awaitEnd(LONG)).isTrue();
        ender.join();
    }

    @Test
    void awaitLineFromLineIgnoresEarlierOutput() throws InterruptedException {
        History history = history();
        add(history, "/ # echo hi", "hi");
        long mark = history.count();
        assertThat(mark).isEqualTo(2);

        assertThat(history.awaitLine(s -> s.matches("^hi$"), Duration.ofMillis(20), mark)).isEmpty();
        Thread writer = start(() -> add(history, "/ # echo hi", "hi"));

        assertThat(history.awaitLine(s -> s.equals("hi"), LONG, mark)).contains("hi");
        writer.join();
        assertThat(history.awaitLine(s -> s.startsWith("/ #"), Duration.ZERO, 3)).isEmpty();
        assertThat(history.awaitLine(s -> s.startsWith("/ #"), Duration.ZERO, 2)).isPresent();
    }

    @Test
    void interruptedWaiterGetsInterruptedException() throws InterruptedException {
        History history = history();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            entered.countDown();
            try {
                history.awaitLine(s -> s.contains("never"), LONG, 0);
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
        History history = history();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> history.awaitEnd(LONG))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    // --------------------------------------------------------------------------- memory bound

    @Test
    void boundKeepsTheNewestLinesAndCountsTheDropped() throws InterruptedException {
        long bound = 1000;
        History history = history(bound);
        String line = "x".repeat(79);
        int total = 10_000;
        for (int i = 0; i < total - 1; i++) {
            history.add(line);
        }
        history.add("the last line");

        List<String> kept = history.lines();
        long keptBytes = kept.stream().mapToLong(LineCost::of).sum();
        assertThat(keptBytes).isLessThanOrEqualTo(bound).isGreaterThan(bound - LineCost.of(line))
                .isEqualTo(history.bytes());
        assertThat(kept).last().isEqualTo("the last line");
        assertThat(history.count()).isEqualTo(total);
        assertThat(history.dropped() + kept.size()).isEqualTo(total);
        assertThat(history.text("")).hasSizeLessThanOrEqualTo((int) bound).endsWith("the last line\n");
        // Absolute indexes survive eviction; evicted lines are skipped.
        assertThat(history.awaitLine(s -> s.equals("the last line"), Duration.ZERO, total - 1))
                .isPresent();
        assertThat(history.awaitLine(s -> true, Duration.ZERO, 0)).isPresent();
    }

    @Test
    void rejectsAnEmptyBound() {
        assertThatThrownBy(() -> history(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
    }
}
