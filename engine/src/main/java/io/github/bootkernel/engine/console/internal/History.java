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
 * <p><b>Bound.</b> At most {@link #maxChars()} chars are kept, counting each line as its length
 * plus one (its newline), so a flood of empty lines is bounded too. When a new line would exceed
 * the bound, the oldest lines are evicted and counted by {@link #dropped()}. Line indexes are
 * absolute: line {@code i} is the {@code i}-th line ever {@linkplain #add(String) added} (from 0),
 * and {@link #count()} keeps counting across evictions. Adding a line and evicting cost amortized
 * O(1).
 *
 * <p><b>Threads.</b> Every method takes the lock given at construction (a reentrant lock the
 * owner may share, and may already hold). The waits use a condition of that lock, signalled once
 * per added line and by {@link #end()}; they never sleep-poll and they honour interrupts.
 */
public final class History {

    /** Evicted slots at the front of {@link #lines} before they are compacted away. */
    private static final int COMPACT_THRESHOLD = 1024;

    private final long maxChars;
    private final ReentrantLock lock;
    private final Condition changed;

    // Live lines are lines[head ..]; slots before head are evicted (null). All guarded by lock.
    private final ArrayList<String> lines = new ArrayList<>();
    private int head;
    /** Sum over live lines of (length + 1). */
    private long chars;
    /** Lines evicted so far; also the absolute index of lines[head]. */
    private long dropped;
    private boolean ended;

    /**
     * Creates an empty history.
     *
     * @param maxChars most chars kept, counting each line as its length plus one; at least 1
     * @param lock guards this history; the owner may hold it around several calls
     * @throws IllegalArgumentException if {@code maxChars} is less than 1
     */
    public History(long maxChars, ReentrantLock lock) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, got " + maxChars);
        }
        this.maxChars = maxChars;
        this.lock = Objects.requireNonNull(lock, "lock");
        this.changed = lock.newCondition();
    }

    /**
     * Returns the bound.
     *
     * @return the most chars kept, counting each line as its length plus one
     */
    public long maxChars() {
        return maxChars;
    }

    /**
     * Appends a completed line, evicts the oldest lines beyond the bound and wakes the waiters.
     * A line longer than the bound evicts everything, itself included (the owner keeps lines
     * shorter than the bound).
     *
     * @param line the line, without terminator
     */
    public void add(String line) {
        lock.lock();
        try {
            lines.add(line);
            chars += line.length() + 1L;
            while (chars > maxChars) {
                evictOldest();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void evictOldest() {
        String oldest = lines.set(head, null);
        head++;
        dropped++;
        chars -= oldest.length() + 1L;
        if (head >= COMPACT_THRESHOLD && head * 2 >= lines.size()) {
            lines.subList(0, head).clear();
            head = 0;
        }
    }

    /**
     * Marks the history finished: no more lines will come. Wakes every waiter. Calling it again
     * does nothing.
     */
    public void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
            int from = Math.max(head, lines.size() - n);
            return List.copyOf(lines.subList(from, lines.size()));
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
            StringBuilder text = new StringBuilder(
                    (int) Math.min(Integer.MAX_VALUE - 8, chars + suffix.length()));
            for (int i = head; i < lines.size(); i++) {
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
            return dropped + lines.size() - head;
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
     * Tells whether {@link #end()} was called.
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
                    long count = dropped + lines.size() - head;
                    next = Math.max(next, dropped);
                    if (next < count) {
                        int from = head + (int) (next - dropped);
                        fresh = new ArrayList<>(lines.subList(from, lines.size()));
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
     * Waits until the history {@linkplain #end() ends}.
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
