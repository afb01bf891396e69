package io.github.bootkernel.engine.console.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The completed lines of a console, bounded, and the waits on them.
 *
 * <p><b>Bound.</b> The lines kept hold at most {@link #maxBytes()} bytes of heap, each line
 * counted by {@link LineCost#of(String)} (its string, its array, its place in the list), so a
 * flood of short or empty lines is bounded by what it really costs. When a new line would exceed
 * the bound, the oldest lines are evicted and counted by {@link #dropped()}. Line indexes are
 * absolute: line {@code i} is the {@code i}-th line ever {@linkplain #add(String) added} (from 0),
 * and {@link #count()} keeps counting across evictions. Adding a line costs O(its length) and
 * evicting amortized O(1). The lines sit in a {@link LineList}: a line's place costs one
 * reference, and nothing else grows with the number of lines.
 *
 * <p><b>Threads.</b> Every method takes the lock given at construction (a reentrant lock the
 * owner may share, and may already hold). The waits use a condition of that lock, signalled once
 * per added line and by {@link #end(String)}; they never sleep-poll and they honour interrupts.
 */
public final class History {

    private final long maxBytes;
    private final ReentrantLock lock;
    private final Condition changed;

    // All guarded by lock.
    private final LineList lines = new LineList();
    /** Sum over live lines of {@link LineCost#of(String)}. */
    private long bytes;
    /** Lines evicted so far; also the absolute index of the oldest line kept. */
    private long dropped;
    private boolean ended;
    private String endReason;

    /**
     * Creates an empty history.
     *
     * @param maxBytes most heap the lines kept may hold, in bytes as {@link LineCost} counts
     *     them; at least 1
     * @param lock guards this history; the owner may hold it around several calls
     * @throws IllegalArgumentException if {@code maxBytes} is less than 1
     */
    public History(long maxBytes, ReentrantLock lock) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.lock = Objects.requireNonNull(lock, "lock");
        this.changed = lock.newCondition();
    }

    /**
     * Returns the bound.
     *
     * @return the most heap the lines kept may hold, in bytes
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Returns the heap the lines kept hold now, as {@link LineCost} counts it.
     *
     * @return bytes, at most {@link #maxBytes()}
     */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a completed line, evicts the oldest lines beyond the bound and wakes the waiters.
     * A line costing more than the bound evicts everything, itself included (the owner keeps
     * lines cheaper than the bound).
     *
     * @param line the line, without terminator
     */
    public void add(String line) {
        lock.lock();
        try {
            lines.add(line);
            bytes += LineCost.of(line);
            while (bytes > maxBytes) {
                evictOldest();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void evictOldest() {
        String oldest = lines.removeFirst();
        dropped++;
        bytes -= LineCost.of(oldest);
    }

    /**
     * Marks the history finished: no more lines will come. Wakes every waiter. Calling it again
     * does nothing.
     *
     * @param how how the guest ended, in words, or {@code null} when the console had no guest
     */
    public void end(String how) {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                endReason = how;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how the guest ended, as given to {@link #end(String)}.
     *
     * @return the words, or empty while the history has not ended or when it was ended without
     *     them
     */
    public Optional<String> endReason() {
        lock.lock();
        try {
            return Optional.ofNullable(endReason);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies lines from absolute index {@code from} on, at most {@code max} of them, into
     * {@code into}; lines evicted already are skipped. The caller holds the lock.
     *
     * @param from the absolute index of the first line wanted
     * @param max how many lines to copy at most
     * @param into receives the lines, oldest first
     * @return the absolute index of the first line copied (greater than {@code from} when lines
     *     were evicted); the next index to ask for is this plus the number copied
     */
    long copy(long from, int max, List<String> into) {
        long first = Math.max(from, dropped);
        int start = (int) Math.min(first - dropped, lines.size());
        int end = (int) Math.min(lines.size(), (long) start + max);
        lines.copy(start, end, into);
        return first;
    }

    /**
     * Returns the lines kept, oldest first.
     *
     * @return an immutable snapshot
     */
    public List<String> lines() {
        return tail(Integer.MAX_VALUE);
    }

    /**
     * Returns the last {@code n} lines kept, oldest first.
     *
     * @param n how many lines, at least 0
     * @return an immutable snapshot of at most {@code n} lines
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public List<String> tail(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("tail(n) needs n >= 0, got " + n);
        }
        lock.lock();
        try {
            List<String> tail = new ArrayList<>();
            lines.copy(Math.max(0, lines.size() - n), lines.size(), tail);
            return List.copyOf(tail);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the lines kept, each followed by {@code "\n"}, then {@code suffix}.
     *
     * @param suffix appended after the last line (the console's partial line)
     * @return the text
     */
    public String text(String suffix) {
        lock.lock();
        try {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                text.append(lines.get(i)).append('\n');
            }
            return text.append(suffix).toString();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many lines were ever added, evicted ones included: the absolute index the next
     * line will have.
     *
     * @return the line count; it only grows
     */
    public long count() {
        lock.lock();
        try {
            return dropped + lines.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many of the oldest lines the bound evicted.
     *
     * @return the number of evicted lines
     */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells whether {@link #end(String)} was called.
     *
     * @return {@code true} once ended
     */
    public boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the first line with absolute index {@code fromLine} or later that satisfies
     * {@code predicate}: the lines kept are checked first, then each new line as it is added.
     * Lines evicted before they could be checked are skipped.
     *
     * @param predicate the test a line must pass; called on the waiting thread, without the lock
     * @param timeout how long to wait at most; zero or negative checks the lines present and
     *     returns
     * @param fromLine the absolute index of the first line to consider
     * @return the first matching line, or empty if the timeout passed, or the history ended and
     *     no line matched
     * @throws InterruptedException if the thread is interrupted before or while waiting; the
     *     interrupt is not swallowed
     */
    public Optional<String> awaitLine(Predicate<String> predicate, Duration timeout, long fromLine)
            throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        long remaining = toNanos(timeout);
        long next = Math.max(0, fromLine);
        while (true) {
            List<String> fresh;
            lock.lockInterruptibly();
            try {
                while (true) {
                    long count = dropped + lines.size();
                    next = Math.max(next, dropped);
                    if (next < count) {
                        fresh = new ArrayList<>();
                        lines.copy((int) (next - dropped), lines.size(), fresh);
                        next = count;
                        break;
                    }
                    if (ended || remaining <= 0) {
                        return Optional.empty();
                    }
                    remaining = changed.awaitNanos(remaining);
                }
            } finally {
                lock.unlock();
            }
            for (String line : fresh) {
                if (predicate.test(line)) {
                    return Optional.of(line);
                }
            }
        }
    }

    /**
     * Waits until the history {@linkplain #end(String) ends}.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if it ended, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long remaining = toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!ended) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return TimeUnit.NANOSECONDS.convert(timeout); // saturates instead of overflowing
    }
}
