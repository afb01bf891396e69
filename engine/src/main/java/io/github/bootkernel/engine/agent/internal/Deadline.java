package io.github.bootkernel.engine.agent.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The end of a time limit on {@link System#nanoTime()}'s clock, with the limit it came from (for
 * messages). Limits too long to count in nanoseconds are cut to a century.
 *
 * @param at when it passes, in {@code System.nanoTime()} units
 * @param limit the time limit, as given
 */
record Deadline(long at, Duration limit) {

    private static final long CENTURY_NANOS = TimeUnit.DAYS.toNanos(36_500);

    /**
     * @param limit a time limit from now; zero or negative has passed already
     * @return its deadline
     */
    static Deadline after(Duration limit) {
        return new Deadline(System.nanoTime() + nanos(limit), limit);
    }

    /**
     * @param more a duration to add
     * @return a deadline that much later, for the same limit
     */
    Deadline plus(Duration more) {
        return new Deadline(at + nanos(more), limit);
    }

    /** @return nanoseconds left, zero or less once passed */
    long remainingNanos() {
        return at - System.nanoTime();
    }

    /** @return whether it has passed */
    boolean passed() {
        return remainingNanos() <= 0;
    }

    /**
     * Waits on {@code monitor}, which the caller holds, until notified or until this deadline.
     *
     * @param monitor the object to wait on
     * @return false if the deadline had passed before the wait
     * @throws InterruptedException if the thread is interrupted
     */
    boolean await(Object monitor) throws InterruptedException {
        long left = remainingNanos();
        if (left <= 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.timedWait(monitor, left);
        return true;
    }

    /** @return the limit for messages, for example {@code "5 s"} or {@code "250 ms"} */
    String describeLimit() {
        return describe(limit);
    }

    /**
     * @param d a duration
     * @return it in seconds when a whole number of them, else in milliseconds
     */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static long nanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(CENTURY_NANOS)) > 0 ? CENTURY_NANOS : d.toNanos();
    }
}
