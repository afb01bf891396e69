package io.github.bootkernel.engine.kmsg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelLogGap;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The kept records: bounds, level filter, tail, and the waits. */
class RecordLogTest {

    private static KernelRecord record(long sequence, int level, String message) {
        return KernelRecord.of(sequence, level, sequence * 1_000_000 + 1, message);
    }

    @Test
    void theOldestRecordsAreEvictedAndCountedApartFromGaps() {
        RecordLog log = new RecordLog(3, Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            log.offer(record(i, 6, "m" + i), 0);
        }
        assertThat(log.records()).extracting(KernelRecord::message).containsExactly("m2", "m3", "m4");
        assertThat(log.droppedRecords()).isEqualTo(2);
        assertThat(log.lostRecords()).isZero();
        assertThat(log.gaps()).isEmpty();
    }

    @Test
    void theByteBoundEvictsToo() {
        long one = RecordLog.cost(record(0, 6, "x".repeat(100)));
        RecordLog log = new RecordLog(1000, 2 * one);
        for (int i = 0; i < 4; i++) {
            log.offer(record(i, 6, "x".repeat(100)), 0);
        }
        assertThat(log.records()).hasSize(2);
        assertThat(log.droppedRecords()).isEqualTo(2);
        // One record larger than the bound is still kept: the newest always is.
        log.offer(record(4, 6, "y".repeat(1000)), 0);
        assertThat(log.records()).extracting(KernelRecord::sequence).containsExactly(4L);
    }

    @Test
    void manyEvictionsKeepTheOrder() {
        RecordLog log = new RecordLog(10, Long.MAX_VALUE);
        for (int i = 0; i < 5000; i++) {
            log.offer(record(i, 6, "m" + i), 0);
        }
        assertThat(log.records()).extracting(KernelRecord::sequence).containsExactly(4990L, 4991L, 4992L, 4993L,
                4994L, 4995L, 4996L, 4997L, 4998L, 4999L);
        assertThat(log.tail(2)).containsExactly("<6>[ 4998.000001] m4998", "<6>[ 4999.000001] m4999");
    }

    @Test
    void aContinuingLogHasTheSavedRecordsGapsAndCountersAndExpectsTheNextRecord() {
        RecordLog log = new RecordLog();
        log.offer(record(0, 6, "a"), 0);
        log.offer(record(3, 6, "b"), 0);
        log.malformed();
        RecordLog.Saved saved = log.save();
        log.offer(record(4, 6, "only in the source"), 0);

        RecordLog clone = RecordLog.continuing(saved);

        assertThat(clone.records()).extracting(KernelRecord::message).containsExactly("a", "b");
        assertThat(clone.gaps()).isEqualTo(log.gaps());
        assertThat(clone.lostRecords()).isEqualTo(2);
        assertThat(clone.malformedRecords()).isEqualTo(1);
        assertThat(clone.nextSequence()).isEqualTo(4);
        assertThat(clone.isAvailable()).isTrue();
        assertThat(clone.offer(record(3, 6, "b again"), 0)).as("a duplicate").isFalse();
        assertThat(clone.offer(record(4, 6, "the clone's own"), 0)).isTrue();
        assertThat(clone.gaps()).as("no new gap").hasSize(1);
        assertThat(clone.records()).extracting(KernelRecord::message).containsExactly("a", "b", "the clone's own");
    }

    @Test
    void levelsAndTail() {
        KernelLog log = KernelLog.of(List.of(record(0, 6, "info"), record(1, 4, "warning\nsecond line"),
                record(2, 3, "error"), record(3, 7, "debug")));
        assertThat(log.records(4)).extracting(KernelRecord::message).containsExactly("warning\nsecond line", "error");
        assertThat(log.records(7)).hasSize(4);
        assertThat(log.records(0)).isEmpty();
        assertThatThrownBy(() -> log.records(8)).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.tail(3)).containsExactly("<4>[    1.000001] warning", "<4>[    1.000001] second line",
                "<3>[    2.000001] error", "<7>[    3.000001] debug");
        assertThat(log.tail(0)).isEmpty();
        assertThat(log.tail(100)).hasSize(5);
    }

    @Test
    void ofShowsTheGapsOfItsSequenceNumbersAndEnds() {
        KernelLog log = KernelLog.of(List.of(record(2, 6, "a"), record(3, 6, "b"), record(10, 6, "c")));
        assertThat(log.gaps()).containsExactly(new KernelLogGap(0, 2), new KernelLogGap(4, 10));
        assertThat(log.lostRecords()).isEqualTo(8);
        assertThat(log.isEnded()).isTrue();
        assertThat(log.isAvailable()).isTrue();
        assertThatThrownBy(() -> KernelLog.of(List.of(record(3, 6, "a"), record(3, 6, "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 follows 3");
    }

    @Test
    void awaitFindsARecordLoggedBefore() throws InterruptedException {
        KernelLog log = KernelLog.of(List.of(record(0, 6, "Linux version 6.1"), record(1, 6, "Run /init")));
        assertThat(log.awaitRecord(Pattern.compile("^Run /init"), Duration.ofSeconds(5)))
                .map(KernelRecord::sequence).contains(1L);
        assertThat(log.awaitRecord(r -> r.sequence() == 0, Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void awaitWakesOnTheRecord() throws Exception {
        RecordLog log = new RecordLog();
        log.offer(record(0, 6, "boot"), 0);
        CompletableFuture<Optional<KernelRecord>> waiter = CompletableFuture.supplyAsync(() -> await(log, "ready",
                Duration.ofMinutes(1)));
        Thread.sleep(50);
        assertThat(waiter).isNotDone();
        log.offer(record(1, 6, "not yet"), 0);
        log.offer(record(2, 6, "probe: ready"), 0);
        long start = System.nanoTime();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).map(KernelRecord::sequence).contains(2L);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void awaitReturnsEmptyAtTheEndWithoutWaitingForTheTimeout() throws Exception {
        RecordLog log = new RecordLog();
        CompletableFuture<Optional<KernelRecord>> waiter = CompletableFuture.supplyAsync(() -> await(log, "never",
                Duration.ofMinutes(1)));
        Thread.sleep(50);
        log.offer(record(0, 6, "something else"), 0);
        log.end();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void awaitReturnsEmptyAtTheTimeout() throws InterruptedException {
        RecordLog log = new RecordLog();
        long start = System.nanoTime();
        assertThat(log.awaitRecord(Pattern.compile("x"), Duration.ofMillis(100))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(log.awaitRecord(Pattern.compile("x"), Duration.ZERO)).isEmpty();
    }

    @Test
    void awaitHonoursInterrupts() throws Exception {
        RecordLog log = new RecordLog();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            started.countDown();
            try {
                log.awaitRecord(Pattern.compile("x"), Duration.ofMinutes(1));
                outcome.complete(null);
            } catch (InterruptedException e) {
                outcome.complete(e);
            }
        });
        waiter.start();
        started.await();
        Thread.sleep(50);
        waiter.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void awaitSearchesOnlyNewRecordsOnEachWake() throws Exception {
        RecordLog log = new RecordLog();
        int[] tested = new int[1];
        CompletableFuture<Optional<KernelRecord>> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return log.awaitRecord(r -> {
                    tested[0]++;
                    return r.sequence() == 99;
                }, Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < 100; i++) {
            log.offer(record(i, 6, "m"), 0);
        }
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isPresent();
        assertThat(tested[0]).isEqualTo(100);
    }

    private static Optional<KernelRecord> await(KernelLog log, String regex, Duration timeout) {
        try {
            return log.awaitRecord(Pattern.compile(regex), timeout);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
    /** A syncer the test answers: each sync() is queued; counts the SYNCs sent. */
    private static final class TestSyncer implements io.github.bootkernel.engine.agent.internal.KlogSyncer {
        final java.util.concurrent.BlockingQueue<CompletableFuture<Boolean>> asked =
                new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Boolean> sync() {
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            asked.add(answer);
            return answer;
        }

        CompletableFuture<Boolean> next() throws InterruptedException {
            CompletableFuture<Boolean> answer = asked.poll(10, TimeUnit.SECONDS);
            assertThat(answer).as("a SYNC within 10 s").isNotNull();
            return answer;
        }
    }

    @Test
    void awaitCaughtUpIsFalseAtOnceWithoutASyncerOnceEndedOrUnavailable() throws Exception {
        RecordLog log = new RecordLog();
        assertThat(log.awaitCaughtUp(Duration.ofDays(1))).as("no agent connected").isFalse();

        TestSyncer syncer = new TestSyncer();
        log.syncer(syncer);
        log.unavailable("cannot read the kernel log");
        assertThat(log.awaitCaughtUp(Duration.ofDays(1))).as("unavailable").isFalse();

        log.end();
        assertThat(log.awaitCaughtUp(Duration.ofDays(1))).as("ended").isFalse();
        assertThat(KernelLog.of(List.of()).awaitCaughtUp(Duration.ofDays(1))).as("of(...)").isFalse();
        assertThat(syncer.asked).as("no SYNC was sent").isEmpty();
    }

    @Test
    void awaitCaughtUpReturnsTheAgentsAnswer() throws Exception {
        RecordLog log = new RecordLog();
        TestSyncer syncer = new TestSyncer();
        log.syncer(syncer);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> caughtUp(log, Duration.ofDays(1)));
        CompletableFuture<Boolean> asked = syncer.next();
        assertThat(waiter).isNotDone();
        asked.complete(true);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();

        waiter = CompletableFuture.supplyAsync(() -> caughtUp(log, Duration.ofDays(1)));
        syncer.next().complete(false); // the request ended: a restart, the channel's end
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void awaitCaughtUpIsFalseAtTheTimeout() throws Exception {
        RecordLog log = new RecordLog();
        TestSyncer syncer = new TestSyncer();
        log.syncer(syncer);
        long start = System.nanoTime();
        assertThat(log.awaitCaughtUp(Duration.ofMillis(100))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(syncer.asked).hasSize(1);
        assertThat(log.awaitCaughtUp(Duration.ZERO)).isFalse();
    }

    @Test
    void theEndReleasesAWaitingAwaitCaughtUpWithFalse() throws Exception {
        RecordLog log = new RecordLog();
        TestSyncer syncer = new TestSyncer();
        log.syncer(syncer);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> caughtUp(log, Duration.ofDays(1)));
        CompletableFuture<Boolean> asked = syncer.next();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.catchUpWaiters() == 0 && System.nanoTime() - giveUp < 0) {
            Thread.sleep(1);
        }
        assertThat(log.catchUpWaiters()).isEqualTo(1);
        log.end();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(asked).as("the end completed the agent's answer").isCompletedWithValue(false);
    }

    @Test
    void aNewSyncerIsAskedFromThenOn() throws Exception {
        RecordLog log = new RecordLog();
        TestSyncer old = new TestSyncer();
        TestSyncer current = new TestSyncer();
        log.syncer(old);
        log.syncer(current);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> caughtUp(log, Duration.ofDays(1)));
        current.next().complete(true);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(old.asked).isEmpty();
    }

    @Test
    void awaitCaughtUpHonoursInterrupts() throws Exception {
        RecordLog log = new RecordLog();
        log.syncer(new TestSyncer());
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> log.awaitCaughtUp(Duration.ofDays(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    private static boolean caughtUp(RecordLog log, Duration timeout) {
        try {
            return log.awaitCaughtUp(timeout);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
