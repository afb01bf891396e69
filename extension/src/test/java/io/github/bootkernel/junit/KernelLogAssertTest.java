package io.github.bootkernel.junit;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.kmsg.KernelLog;
import io.github.bootkernel.engine.kmsg.KernelRecord;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The kernel log assertions on logs made from records ({@link KernelLog#of}): passing and failing
 * cases, and the tail; on a live log, the wait for it to catch up first.
 */
class KernelLogAssertTest {

    private static final KernelLog BOOT = KernelLog.of(List.of(
            KernelRecord.of(0, 5, 0, "Linux version 6.1.0"),
            KernelRecord.of(1, 6, 1_500_000, "mydriver: probe"),
            KernelRecord.of(2, 4, 1_600_000, "mydriver: fallback mode\n  because of x"),
            KernelRecord.of(3, 6, 2_000_000, "Run /init as init process")));

    private static final String TAIL = "The kernel log, 4 records:\n"
            + "  | <5>[    0.000000] Linux version 6.1.0\n"
            + "  | <6>[    1.500000] mydriver: probe\n"
            + "  | <4>[    1.600000] mydriver: fallback mode\n"
            + "  | <4>[    1.600000]   because of x\n"
            + "  | <6>[    2.000000] Run /init as init process";

    @Test
    void containsMessageFindsASubstring() {
        assertThat(BOOT).containsMessage("Run /init").containsMessage("because of x").doesNotContainMessage("Oops");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessage("Oops"))
                .hasMessageStartingWith("Expecting the kernel log to contain a message with\n  \"Oops\"\nbut none does.")
                .hasMessageEndingWith(TAIL);
        assertThatThrownBy(() -> assertThat(BOOT).doesNotContainMessage("mydriver"))
                .hasMessageContaining("but found:\n  <6>[    1.500000] mydriver: probe\n"
                        + "  <4>[    1.600000] mydriver: fallback mode\n  <4>[    1.600000]   because of x\n");
    }

    @Test
    void atLevelNarrowsTheLaterChecks() {
        assertThat(BOOT).atLevel(4).containsMessage("fallback").doesNotContainMessage("probe");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(4).containsMessage("probe"))
                .hasMessageStartingWith("Expecting the kernel log at level 4 or more severe to contain a message with")
                .hasMessageContaining("but none does.\nOne record matches at a less severe level (6):\n"
                        + "  <6>[    1.500000] mydriver: probe\n");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(4).containsMessage("Oops"))
                .message().doesNotContain("less severe");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesInOrderAllowRecordsInBetween() {
        assertThat(BOOT).containsMessagesInOrder("Linux version", "fallback", "Run /init");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessagesInOrder("Run /init", "probe"))
                .hasMessageContaining("to have messages containing, in this order,\n  \"Run /init\", \"probe\"\n"
                        + "but after \"Run /init\" (record 3) no message contains \"probe\".");
        assertThatThrownBy(() -> assertThat(BOOT).containsMessagesInOrder("nothing"))
                .hasMessageContaining("but no message contains \"nothing\".");
    }

    @Test
    void hasNoGapsNamesTheGaps() {
        assertThat(BOOT).hasNoGaps();
        KernelLog flooded = KernelLog.of(List.of(KernelRecord.of(0, 6, 0, "a"), KernelRecord.of(13, 6, 1, "b")));
        assertThatThrownBy(() -> assertThat(flooded).hasNoGaps())
                .hasMessageStartingWith("Expecting the kernel log to have no gaps, but 12 records never arrived:\n"
                        + "  12 records lost (sequence 1 to 12)\n\nThe kernel log, 2 records (12 lost):");
    }

    @Test
    void emitsWithinReturnsAnAssertionOnTheMessage() {
        assertThat(BOOT).emitsWithin(Duration.ofSeconds(5), "^mydriver: \\w+ mode").startsWith("mydriver: fallback");
        assertThatThrownBy(() -> assertThat(BOOT).atLevel(4).emitsWithin(Duration.ofSeconds(5), "probe"))
                .hasMessageStartingWith("Expecting the kernel log at level 4 or more severe to have a message matching\n"
                        + "  /probe/\nwithin 5 s, but none came: the log ended first (the guest ended).\n"
                        + "One record matches at a less severe level (6):\n  <6>[    1.500000] mydriver: probe\n");
    }

    @Test
    void emitsWithinFailsAtOnceOnAnEndedLog() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> assertThat(BOOT).emitsWithin(Duration.ofMinutes(5), "never"))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theTailShowsTheLast20RecordsAndAnEmptyLogSaysSo() {
        KernelLog many = KernelLog.of(LongStream.range(0, 30).mapToObj(i -> KernelRecord.of(i, 6, i, "m" + i)).toList());
        assertThatThrownBy(() -> assertThat(many).containsMessage("x"))
                .hasMessageContaining("The kernel log, the last 20 of 30 records:\n  | <6>[    0.000010] m10\n")
                .hasMessageEndingWith("  | <6>[    0.000029] m29");
        assertThatThrownBy(() -> assertThat(KernelLog.of(List.of())).containsMessage("x"))
                .hasMessageEndingWith("The kernel log is empty: no record arrived (does the guest run the agent?).");
    }
    /** A live log: records arrive while awaitCaughtUp runs, whose answer the test chooses. */
    private static final class LiveLog implements KernelLog {
        final java.util.List<KernelRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.List<KernelRecord> onTheirWay = new java.util.ArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean answer = true;
        volatile boolean ended;
        volatile Duration limitAsked;

        LiveLog(KernelRecord... first) {
            records.addAll(List.of(first));
        }

        @Override
        public boolean awaitCaughtUp(Duration timeout) {
            asked.incrementAndGet();
            limitAsked = timeout;
            records.addAll(onTheirWay);
            onTheirWay.clear();
            return answer;
        }

        @Override
        public boolean isAvailable() {
            return !records.isEmpty();
        }

        @Override
        public java.util.Optional<String> unavailableReason() {
            return java.util.Optional.empty();
        }

        @Override
        public boolean isEnded() {
            return ended;
        }

        @Override
        public List<KernelRecord> records() {
            return List.copyOf(records);
        }

        @Override
        public List<KernelRecord> records(int maxLevel) {
            return records.stream().filter(r -> r.level() <= maxLevel).toList();
        }

        @Override
        public List<io.github.bootkernel.engine.kmsg.KernelLogGap> gaps() {
            return List.of();
        }

        @Override
        public long lostRecords() {
            return 0;
        }

        @Override
        public long droppedRecords() {
            return 0;
        }

        @Override
        public long malformedRecords() {
            return 0;
        }

        @Override
        public java.util.Optional<KernelRecord> awaitRecord(java.util.regex.Pattern pattern, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<KernelRecord> awaitRecord(java.util.function.Predicate<KernelRecord> condition,
                Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> tail(int n) {
            return KernelLog.of(records()).tail(n);
        }
    }

    @Test
    void checksOnALiveLogFirstAwaitItsCatchUpOncePerAssertion() {
        LiveLog log = new LiveLog(KernelRecord.of(0, 6, 1, "boot"));
        log.onTheirWay.add(KernelRecord.of(1, 4, 2, "mydriver: written by the command"));

        assertThat(log).containsMessage("written by the command").hasNoGaps().containsMessagesInOrder("boot", "mydriver");
        org.assertj.core.api.Assertions.assertThat(log.asked).hasValue(1);
        org.assertj.core.api.Assertions.assertThat(log.limitAsked).isEqualTo(KernelLogAssert.CATCH_UP_LIMIT);

        log.onTheirWay.add(KernelRecord.of(2, 3, 3, "mydriver: oops"));
        assertThatThrownBy(() -> assertThat(log).doesNotContainMessage("oops"))
                .hasMessageContaining("but found:\n  <3>[    0.000003] mydriver: oops");
    }

    @Test
    void aGuestsLogWaitsAtMostTheGuestsExecTimeout() {
        LiveLog log = new LiveLog(KernelRecord.of(0, 6, 1, "boot"));
        assertThat(new GuestKernelLog(log, Duration.ofSeconds(7))).containsMessage("boot");
        org.assertj.core.api.Assertions.assertThat(log.limitAsked).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aLogThatDidNotCatchUpInTimeSaysSoAndCannotProveAnAbsence() {
        LiveLog log = new LiveLog(KernelRecord.of(0, 6, 1, "boot"));
        log.answer = false;
        GuestKernelLog guestLog = new GuestKernelLog(log, Duration.ZERO);

        assertThatThrownBy(() -> assertThat(guestLog).doesNotContainMessage("oops"))
                .hasMessageStartingWith("Expecting the kernel log to contain no message with\n  \"oops\"\nbut cannot tell:"
                        + " none has arrived, and records may still be on their way.\nThe kernel log had not caught up with"
                        + " the guest within 0 s");
        assertThatThrownBy(() -> assertThat(guestLog).containsMessage("oops"))
                .hasMessageContaining("but none does.\nThe kernel log had not caught up with the guest");
        assertThat(guestLog).containsMessage("boot");
    }

    @Test
    void aLogThatCouldNotCatchUpSaysWhy() {
        LiveLog log = new LiveLog(KernelRecord.of(0, 6, 1, "boot"));
        log.answer = false;
        assertThatThrownBy(() -> assertThat(log).containsMessage("oops"))
                .hasMessageContaining("but none does.\nThe kernel log could not catch up with the guest (the agent's"
                        + " channel ended or the agent restarted): records may be missing.");
        assertThat(log).doesNotContainMessage("oops");
    }

    @Test
    void anEndedOrEmptyLogIsCheckedAsItIs() {
        LiveLog ended = new LiveLog(KernelRecord.of(0, 6, 1, "boot"));
        ended.ended = true;
        assertThat(ended).containsMessage("boot").doesNotContainMessage("oops");
        LiveLog empty = new LiveLog();
        assertThat(empty).doesNotContainMessage("oops");
        org.assertj.core.api.Assertions.assertThat(ended.asked.get() + empty.asked.get()).isZero();
    }
}
