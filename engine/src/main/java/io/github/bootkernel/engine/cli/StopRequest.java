package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A request from the user to stop the guest before it ends by itself: SIGINT, SIGTERM or the
 * terminal's escape sequence. The first request wakes the thread waiting for the guest, which stops
 * it and ends the tool in order; a second one, while that is still under way, ends the process at
 * once. Thread-safe: requests come from signal-handler threads and the stdin pump.
 */
final class StopRequest {

    /** What asked for the stop, and the tool's exit status then (128 + the signal's number). */
    enum Reason {
        /** SIGINT (2): Ctrl-C on a terminal in line mode, or {@code kill -INT}. */
        SIGINT(130, "SIGINT"),
        /** SIGTERM (15): {@code kill}, a CI runner's cancel. */
        SIGTERM(143, "SIGTERM"),
        /** Ctrl-A x typed on a terminal in raw mode; the status of Ctrl-C, which it stands for. */
        ESCAPE(130, "Ctrl-A x");

        private final int exitStatus;
        private final String label;

        Reason(int exitStatus, String label) {
            this.exitStatus = exitStatus;
            this.label = label;
        }

        /** @return the tool's exit status after a stop for this reason */
        int exitStatus() {
            return exitStatus;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final Consumer<Reason> onSecondRequest;
    private Reason first; // guarded by this
    private Thread waiter; // guarded by this

    /**
     * @param onSecondRequest called, on the requesting thread, with the first request's reason when
     *     a second request arrives; it is expected to end the process
     */
    StopRequest(Consumer<Reason> onSecondRequest) {
        this.onSecondRequest = Objects.requireNonNull(onSecondRequest, "onSecondRequest");
    }

    /**
     * Asks for the guest to be stopped; the second time, ends the process through the callback.
     *
     * @param reason what asked
     */
    void request(Reason reason) {
        Reason earlier;
        synchronized (this) {
            earlier = first;
            if (earlier == null) {
                first = reason;
                if (waiter != null) {
                    waiter.interrupt();
                }
                return;
            }
        }
        onSecondRequest.accept(earlier);
    }

    /** @return the first request's reason, if one came */
    synchronized Optional<Reason> requested() {
        return Optional.ofNullable(first);
    }

    /** A wait for something that ends: empty if it has not within the timeout. */
    @FunctionalInterface
    interface Wait<T> {
        Optional<T> await(Duration timeout) throws InterruptedException;
    }

    /** A wait for the guest's end, as {@link Machine#awaitExit(Duration)} does it. */
    @FunctionalInterface
    interface GuestEnd extends Wait<GuestExit> {
    }

    /**
     * Waits until the guest ends or a stop is requested, whichever comes first, keeping the calling
     * thread's interrupt flag as it was.
     *
     * @param guest the wait for the running guest's end, {@code machine::awaitExit}
     * @return how the guest ended, or empty if a stop was requested first (then the guest still runs)
     */
    Optional<GuestExit> awaitGuestOrStop(GuestEnd guest) {
        return awaitOrStop(guest);
    }

    /**
     * Waits until something ends or a stop is requested, whichever comes first, keeping the calling
     * thread's interrupt flag as it was.
     *
     * @param <T> what is awaited
     * @param wait the wait, for example for the guest's end or for a command's
     * @return what ended, or empty if a stop was requested first
     */
    <T> Optional<T> awaitOrStop(Wait<T> wait) {
        boolean interrupted = false;
        synchronized (this) {
            if (first != null) {
                return Optional.empty();
            }
            waiter = Thread.currentThread();
        }
        try {
            while (true) {
                try {
                    Optional<T> ended = wait.await(Duration.ofDays(1));
                    if (ended.isPresent()) {
                        return ended;
                    }
                } catch (InterruptedException e) {
                    if (requested().isPresent()) {
                        return Optional.empty();
                    }
                    interrupted = true; // not ours: keep waiting, restore the flag at the end
                }
            }
        } finally {
            synchronized (this) {
                waiter = null;
                // Clear an interrupt a request sent after the wait had already returned; one that
                // came without a request was the caller's.
                boolean pending = Thread.interrupted();
                interrupted |= pending && first == null;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
