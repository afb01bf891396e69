package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.GuestExit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StopRequestTest {

    private final List<StopRequest.Reason> secondRequests = new CopyOnWriteArrayList<>();
    private final StopRequest stop = new StopRequest(secondRequests::add);

    /** A guest that never ends: the wait blocks until interrupted. */
    private final CountDownLatch waiting = new CountDownLatch(1);
    private final StopRequest.GuestEnd neverEnds = timeout -> {
        waiting.countDown();
        Thread.sleep(timeout.toMillis());
        return Optional.empty();
    };

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void exitStatusesAre128PlusTheSignal() {
        assertThat(StopRequest.Reason.SIGINT.exitStatus()).isEqualTo(128 + 2);
        assertThat(StopRequest.Reason.SIGTERM.exitStatus()).isEqualTo(128 + 15);
        assertThat(StopRequest.Reason.ESCAPE.exitStatus()).isEqualTo(130);
    }

    @Test
    void theGuestsEndIsReturnedWhenNoStopCame() {
        GuestExit end = new GuestExit(GuestExit.Kind.EXIT_STATUS, 3, "");

        assertThat(stop.awaitGuestOrStop(timeout -> Optional.of(end))).contains(end);
        assertThat(stop.requested()).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aRequestWakesTheWaiterPromptly() throws InterruptedException {
        Thread signal = new Thread(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            stop.request(StopRequest.Reason.SIGTERM);
        });
        signal.start();
        long t0 = System.nanoTime();

        Optional<GuestExit> end = stop.awaitGuestOrStop(neverEnds);

        assertThat(end).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(stop.requested()).contains(StopRequest.Reason.SIGTERM);
        assertThat(Thread.currentThread().isInterrupted()).as("the request's interrupt is consumed").isFalse();
        assertThat(secondRequests).isEmpty();
        signal.join();
    }

    @Test
    void aRequestBeforeTheWaitReturnsAtOnce() {
        stop.request(StopRequest.Reason.SIGINT);

        assertThat(stop.awaitGuestOrStop(neverEnds)).isEmpty();
        assertThat(waiting.getCount()).as("never waited").isEqualTo(1);
    }

    @Test
    void aSecondRequestCallsBackWithTheFirstReason() {
        stop.request(StopRequest.Reason.SIGTERM);
        stop.request(StopRequest.Reason.SIGINT);
        stop.request(StopRequest.Reason.ESCAPE);

        assertThat(secondRequests).containsExactly(StopRequest.Reason.SIGTERM, StopRequest.Reason.SIGTERM);
        assertThat(stop.requested()).contains(StopRequest.Reason.SIGTERM);
    }

    @Test
    void anInterruptWithoutARequestDoesNotEndTheWaitAndIsKept() {
        Thread caller = Thread.currentThread();
        GuestExit end = new GuestExit(GuestExit.Kind.RESET, -1, "");
        int[] calls = {0};
        StopRequest.GuestEnd interruptedOnce = timeout -> {
            if (calls[0]++ == 0) {
                caller.interrupt();
                throw new InterruptedException();
            }
            return Optional.of(end);
        };

        assertThat(stop.awaitGuestOrStop(interruptedOnce)).contains(end);
        assertThat(calls[0]).isEqualTo(2);
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is restored").isTrue();
    }
}
