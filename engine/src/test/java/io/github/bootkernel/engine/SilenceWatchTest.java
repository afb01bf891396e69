package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The silence watchdog's decision and its words, on a made-up clock; no KVM. */
class SilenceWatchTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(100 * SECOND);
    private final AtomicReference<String> partial = new AtomicReference<>("");
    private final List<GuestExit> ends = new ArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final SilenceWatch watch = new SilenceWatch(10 * SECOND, "10 s", ends::add, () -> !ends.isEmpty(),
            partial::get, pending::get, now::get);

    private void print(String line) {
        watch.output();
        watch.line(line);
    }

    @Test
    void beforeTheSilenceIsCompleteItSaysWhenToLookAgain() {
        now.addAndGet(4 * SECOND);
        assertThat(watch.check()).isEqualTo(6 * SECOND);
        print("[    0.5] Run /init as init process");
        now.addAndGet(9 * SECOND);
        assertThat(watch.check()).as("output 9 s ago restarts the count").isEqualTo(SECOND);
        assertThat(ends).isEmpty();
    }

    @Test
    void aCompleteSilenceEndsTheGuestNamingTheLastLineAndHowLongAgo() {
        now.addAndGet(SECOND);
        print("[    1.1] Run /init as init process");
        now.addAndGet(2 * SECOND);
        print("init: ready");
        print("");
        now.addAndGet(10 * SECOND + SECOND / 2);
        assertThat(watch.check()).isZero();
        assertThat(ends).containsExactly(GuestExit.of(GuestExit.Kind.SILENT,
                "no console output for 10 s; the last line, 10.5 s ago: 'init: ready'"));
    }

    @Test
    void consoleBytesWaitingInTheRingPostponeTheVerdictUntilTheyAreDrained() {
        print("init: ready");
        now.addAndGet(12 * SECOND);
        pending.set(true);
        assertThat(watch.check()).as("bytes wait in the ring").isEqualTo(SilenceWatch.PENDING_RECHECK_MILLIS * 1_000_000);
        now.addAndGet(SECOND);
        assertThat(watch.check()).as("they still wait").isEqualTo(SilenceWatch.PENDING_RECHECK_MILLIS * 1_000_000);
        assertThat(ends).isEmpty();

        watch.output(); // the drain delivered them
        partial.set("/ # ");
        pending.set(false);
        now.addAndGet(3 * SECOND);
        assertThat(watch.check()).as("the count starts at the drain").isEqualTo(7 * SECOND);
        now.addAndGet(7 * SECOND);
        assertThat(watch.check()).isZero();
        assertThat(ends).extracting(GuestExit::detail).containsExactly("no console output for 10 s; the last line,"
                + " 23.0 s ago: 'init: ready'; after it, unterminated, 10.0 s ago: '/ # '");
    }

    @Test
    void anUnterminatedPromptAfterTheLastLineIsNamedToo() {
        print("init: ready");
        now.addAndGet(2 * SECOND);
        watch.output();
        partial.set("/ # ");
        now.addAndGet(10 * SECOND);
        watch.check();
        assertThat(ends).extracting(GuestExit::detail).containsExactly("no console output for 10 s; the last line,"
                + " 12.0 s ago: 'init: ready'; after it, unterminated, 10.0 s ago: '/ # '");
    }

    @Test
    void aGuestThatNeverPrintedSaysSo() {
        now.addAndGet(10 * SECOND);
        watch.check();
        assertThat(ends).extracting(GuestExit::detail).containsExactly(
                "no console output for 10 s: the guest has printed nothing since it started 10.0 s ago");
    }

    @Test
    void onlyAPromptOrOnlyEmptyLines() {
        watch.output();
        partial.set("login: ");
        now.addAndGet(11 * SECOND);
        watch.check();
        partial.set("");
        now.addAndGet(SECOND);
        watch.check();
        assertThat(ends).extracting(GuestExit::detail).containsExactly(
                "no console output for 10 s; the only output, unterminated, 11.0 s ago: 'login: '",
                "no console output for 10 s; the guest printed only empty lines, the last 12.0 s ago");
    }

    @Test
    void theSilenceTimeMustBePositive() {
        assertThatThrownBy(() -> new SilenceWatch(0, "0 s", ends::add, () -> false, partial::get, pending::get, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
