package io.github.bootkernel.engine.console.internal;

import static io.github.bootkernel.engine.console.internal.HistoryTest.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.console.Console;
import io.github.bootkernel.engine.console.Subscription;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lines and raw bytes handed to host code off the feeding thread: order, replay, closing, a
 * follower or raw consumer that throws, one that blocks (it never blocks the feeder, and
 * {@link ConsoleSink#finishDelivery(Duration)} gives up on it), and what is counted as dropped.
 */
@Timeout(120) // a consumer blocking the feeder would hang here: fail instead
class DeliveryTest {

    /** Released after each test, so that the consumers it blocked can end. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseBlockedConsumers() {
        release.countDown();
    }

    private void block() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RecordingConsole console(long maxHistoryBytes, IntConsumer raw, int rawBufferBytes) {
        return new RecordingConsole(Console.DEFAULT_MAX_LINE_LENGTH, maxHistoryBytes, null, raw, rawBufferBytes);
    }

    private static RecordingConsole console() {
        return console(Console.DEFAULT_MAX_HISTORY_BYTES, null, 0);
    }

    private static void feed(ConsoleSink console, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            console.accept(b);
        }
    }

    // ------------------------------------------------------------------------------ followers

    @Test
    void followerGetsTheReplayThenLiveLinesOnTheDeliveryThread() throws InterruptedException {
        RecordingConsole console = console();
        feed(console, "a\nb\n");
        List<String> seen = new ArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Subscription subscription = console.follow(line -> {
            seen.add(line);
            threads.add(Thread.currentThread().getName());
        }, true);
        feed(console, "c\n");
        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        subscription.close();
        feed(console, "d\n");

        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("bootkernel-console-"))
                .doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void throwingFollowerIsRemovedAndOthersGoOn() throws InterruptedException {
        RecordingConsole console = console();
        List<String> good = new ArrayList<>();
        List<String> badSaw = new CopyOnWriteArrayList<>();
        Subscription bad = console.follow(line -> {
            badSaw.add(line);
            throw new IllegalStateException("follower bug");
        });
        Subscription subscription = console.follow(good::add);
        feed(console, "one\ntwo\n");
        assertThat(subscription.awaitDelivered(LONG)).isTrue();

        assertThat(badSaw).containsExactly("one");
        assertThat(good).containsExactly("one", "two");
        assertThat(bad.awaitDelivered(Duration.ZERO)).as("closed when it threw").isFalse();
    }

    @Test
    void closedSubscriptionStopsDeliveryAndCloseIsIdempotent() throws InterruptedException {
        RecordingConsole console = console();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Subscription s1 = console.follow(first::add);
        Subscription s2 = console.follow(second::add);
        feed(console, "one\n");
        assertThat(s1.awaitDelivered(LONG)).isTrue();
        s1.close();
        s1.close();
        feed(console, "two\n");
        assertThat(s2.awaitDelivered(LONG)).isTrue();
        s2.close();
        feed(console, "three\n");
        console.end();
        assertThat(console.finishDelivery(LONG)).isTrue();

        assertThat(first).containsExactly("one");
        assertThat(second).containsExactly("one", "two");
    }

    @Test
    void followerMayCloseItselfAndUseTheConsoleWhileBeingCalled() throws InterruptedException {
        RecordingConsole console = console();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch registered = new CountDownLatch(1);
        self.set(console.follow(line -> {
            await(registered);
            seen.add(line + " of " + console.lineCount());
            self.get().close();
        }));
        registered.countDown();
        feed(console, "one\ntwo\n");
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(seen).hasSize(1).first().asString().startsWith("one of ");
    }

    @Test
    void aFollowerCannotWaitForItself() throws InterruptedException {
        RecordingConsole console = console();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch registered = new CountDownLatch(1);
        self.set(console.follow(line -> {
            await(registered);
            try {
                self.get().awaitDelivered(LONG);
            } catch (Throwable e) {
                thrown.set(e);
            }
        }));
        registered.countDown();
        feed(console, "one\n");
        assertThat(self.get().awaitDelivered(LONG)).isTrue();

        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("wait for itself");
    }

    @Test
    void aBlockedFollowerNeverBlocksTheFeederAndFinishGivesUpOnIt() throws InterruptedException {
        RecordingConsole console = console();
        Subscription blocked = console.follow(line -> block());
        int lines = 1_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            feed(console, "x\n");
        }
        console.end();
        long t1 = System.nanoTime();
        boolean finished = console.finishDelivery(Duration.ofMillis(200));
        Duration finishing = Duration.ofNanos(System.nanoTime() - t1);

        assertThat(Duration.ofNanos(t1 - t0)).as("feeding a million lines past a blocked follower")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(finished).isFalse();
        assertThat(finishing).as("finishDelivery(200 ms) with a blocked follower").isLessThan(Duration.ofSeconds(5));
        assertThat(blocked.droppedLines()).as("every line: it never returned from the first").isEqualTo(lines);
        assertThat(blocked.awaitDelivered(Duration.ZERO)).as("given up: closed").isFalse();
    }

    @Test
    void aSlowFollowerMissesOnlyEvictedLinesAndCountsThem() throws InterruptedException {
        RecordingConsole console = console(64 * 1024, null, 0);
        List<String> seen = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Subscription slow = console.follow(line -> {
            await(go);
            seen.add(line);
        });
        int lines = 100_000;
        for (int i = 0; i < lines; i++) {
            feed(console, i + "\n");
        }
        go.countDown();
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(slow.droppedLines()).isPositive();
        assertThat(seen.size() + slow.droppedLines()).isEqualTo(lines);
        assertThat(seen).last().isEqualTo(Integer.toString(lines - 1));
        assertThat(seen).isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    }

    @Test
    void theDeliveryThreadEndsOnceTheConsoleEndedAndAllWasDelivered() throws InterruptedException {
        RecordingConsole console = console();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Subscription subscription = console.follow(line -> thread.set(Thread.currentThread()));
        feed(console, "one\n");
        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        thread.get().join(LONG.toMillis());
        assertThat(thread.get().isAlive()).isFalse();
        assertThat(thread.get().isDaemon()).isTrue();
    }

    @Test
    void anEndedConsoleStillReplaysToANewFollower() throws InterruptedException {
        Console console = Console.of("a\nb\n");
        List<String> seen = new ArrayList<>();
        Subscription subscription = console.follow(seen::add, true);

        assertThat(subscription.awaitDelivered(LONG)).isTrue();
        assertThat(seen).containsExactly("a", "b");
    }

    @Test
    void finishCalledByAFollowerReturnsAtOnceAndTheDeliveryFinishesByItself() throws InterruptedException {
        RecordingConsole console = console();
        AtomicReference<Boolean> finishedInside = new AtomicReference<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        Consumer<String> follower = line -> {
            seen.add(line);
            if (line.equals("one")) {
                finishedInside.set(console.finishDelivery(LONG));
            }
        };
        console.follow(follower);
        feed(console, "one\ntwo\n");
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(finishedInside.get()).isFalse();
        assertThat(seen).containsExactly("one", "two");
    }

    // ------------------------------------------------------------------------------ raw bytes

    @Test
    void rawBytesArriveInOrderOffTheFeedingThread() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        RecordingConsole console = console(Console.DEFAULT_MAX_HISTORY_BYTES, b -> {
            out.write(b);
            threads.add(Thread.currentThread().getName());
        }, 1 << 20);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            text.append(i).append(i % 7 == 0 ? "\r\n" : " ");
        }
        feed(console, text + "/ # ");
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(text + "/ # ");
        assertThat(console.rawOutputDropped()).isZero();
        assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("bootkernel-console-"));
    }

    @Test
    void aBlockedRawConsumerLosesOnlyWhatDoesNotFitTheBufferAndItIsCounted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch go = new CountDownLatch(1);
        RecordingConsole console = console(Console.DEFAULT_MAX_HISTORY_BYTES, b -> {
            await(go);
            out.write(b);
        }, 1024);
        byte[] bytes = new byte[10_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
            console.accept(bytes[i]);
        }
        go.countDown();
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        long dropped = console.rawOutputDropped();
        assertThat(dropped).as("kept: the buffer, and at most one buffer's worth taken before the consumer blocked")
                .isBetween(10_000L - 2 * 1024, 10_000L - 1024);
        assertThat(out.size() + dropped).isEqualTo(bytes.length);
        byte[] got = out.toByteArray();
        assertThat(java.util.Arrays.copyOf(got, 1024)).as("the oldest bytes are kept")
                .isEqualTo(java.util.Arrays.copyOf(bytes, 1024));
        int gaps = 0;
        for (int i = 1; i < got.length; i++) {
            gaps += got[i] == (byte) ('a' + (got[i - 1] - 'a' + 1) % 26) ? 0 : 1;
        }
        assertThat(gaps).as("in order, with at most one run of dropped bytes in between").isLessThanOrEqualTo(1);
    }

    @Test
    void finishGivesUpOnABlockedRawConsumerAndCountsAllItDidNotGet() {
        RecordingConsole console = console(Console.DEFAULT_MAX_HISTORY_BYTES, b -> block(), 1024);
        feed(console, "x".repeat(100));
        console.end();
        long t0 = System.nanoTime();

        assertThat(console.finishDelivery(Duration.ofMillis(100))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(console.rawOutputDropped()).as("the consumer never returned from the first byte").isEqualTo(100);
    }

    @Test
    void aThrowingRawConsumerGetsNothingMoreAndTheRestIsCounted() {
        List<Integer> got = new CopyOnWriteArrayList<>();
        CountDownLatch threw = new CountDownLatch(1);
        RecordingConsole console = console(Console.DEFAULT_MAX_HISTORY_BYTES, b -> {
            got.add(b);
            threw.countDown();
            throw new IllegalStateException("raw consumer bug");
        }, 1024);
        feed(console, "abc");
        await(threw);
        feed(console, "def");
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(got).hasSize(1);
        assertThat(console.rawOutputDropped()).as("every byte but the one it threw on").isEqualTo(5);
        assertThat(console.lines()).isEmpty();
        assertThat(console.partialLine()).isEqualTo("abcdef");
    }

    @Test
    void aFollowerThatThrowsAnErrorOnlyEndsTheDelivery() throws InterruptedException {
        RecordingConsole console = console();
        Subscription s = console.follow(line -> {
            throw new StackOverflowError("simulated");
        });
        feed(console, "one\ntwo\n");
        console.end();

        assertThat(console.finishDelivery(LONG)).isTrue();
        assertThat(s.awaitDelivered(Duration.ZERO)).isFalse();
        assertThat(console.lines()).containsExactly("one", "two");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static {
        // the aFollowerThatThrowsAnErrorOnlyEndsTheDelivery thread dies of its Error: keep the log quiet
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { });
    }
}
