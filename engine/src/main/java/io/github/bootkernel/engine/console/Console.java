package io.github.bootkernel.engine.console;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The guest's console output: serial bytes assembled into lines, kept as a bounded history that
 * tests can snapshot, wait on, or follow live.
 *
 * <p><b>Writing.</b> One thread (the vCPU thread) feeds the bytes the guest writes with
 * {@link #accept(int)} and calls {@link #end()} once the guest has stopped. Bytes are decoded as
 * UTF-8; malformed or truncated sequences become U+FFFD. A line ends at LF, at CR LF, or at a lone
 * CR; the terminator is not part of the line. A run of CRs directly followed by at most one LF is a
 * single terminator, so the {@code "\r\r\n"} a tty produces for a program's {@code "\r\n"} does not
 * add empty lines. A line longer than {@link #maxLineLength()} chars is split: the first
 * {@code maxLineLength} chars become a complete line and the rest continues as a new one (a
 * surrogate pair is never split).
 *
 * <p><b>Memory bound.</b> The history keeps at most {@link #maxHistoryChars()} chars, counting each
 * line as its length plus one (its newline), so a flood of empty lines is bounded too. When a new
 * line would exceed the bound, the oldest lines are evicted and counted by {@link #droppedLines()}.
 * Line indexes are absolute: line {@code i} is the {@code i}-th line ever completed (from 0), and
 * {@link #lineCount()} keeps counting across evictions.
 *
 * <p><b>Reading.</b> Every reader method is thread-safe and may be called from any thread while the
 * vCPU thread writes. Snapshots ({@link #lines()}, {@link #text()}, {@link #tail(int)},
 * {@link #stream()}) never change after they are returned. {@link #awaitLine(Pattern, Duration)}
 * and its variants wait on a condition variable that is signalled once per completed line and by
 * {@link #end()}; they never sleep-poll and they honour interrupts.
 *
 * <p>Without a follower, {@link #accept(int)} costs an uncontended lock per byte and amortized
 * O(1) work per completed line, even while old lines are being evicted.
 */
public final class Console {

    /** Default {@link #maxLineLength()}: 4096 chars. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 4096;

    /** Default {@link #maxHistoryChars()}: 8 Mi chars (16 MiB of heap for the text). */
    public static final long DEFAULT_MAX_HISTORY_CHARS = 8L * 1024 * 1024;

    /** Evicted slots at the front of {@link #history} before they are compacted away. */
    private static final int COMPACT_THRESHOLD = 1024;

    private static final System.Logger LOG = System.getLogger(Console.class.getName());

    private final int maxLineLength;
    private final long maxHistoryChars;

    /** Guards every field below; {@link #changed} is signalled per completed line and at end. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Line assembly (written by the feeding thread, read by partialLine(); all under lock).
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of an incomplete UTF-8 sequence, in write mode; at most 3 pending plus 1 new. */
    private final ByteBuffer pendingBytes = ByteBuffer.allocate(8);
    /** The current unterminated line; its position is the line's length. */
    private final CharBuffer partial;
    /** The previous byte ended a line with CR: further CRs and one LF belong to that terminator. */
    private boolean afterCr;

    // History: live lines are history[head ..]; slots before head are evicted (null).
    private final ArrayList<String> history = new ArrayList<>();
    private int head;
    /** Sum over live lines of (length + 1). */
    private long historyChars;
    /** Lines evicted so far; also the absolute index of history[head]. */
    private long dropped;
    private boolean ended;

    /** Copy-on-write, so a follower may close subscriptions while lines are being delivered. */
    private Follower[] followers = new Follower[0];

    /**
     * Creates a console with the default bounds ({@value #DEFAULT_MAX_LINE_LENGTH} chars per line,
     * {@value #DEFAULT_MAX_HISTORY_CHARS} chars of history).
     */
    public Console() {
        this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_HISTORY_CHARS);
    }

    /**
     * Creates a console with explicit bounds.
     *
     * @param maxLineLength longest line kept in one piece, in chars; at least 2 (room for a
     *     surrogate pair)
     * @param maxHistoryChars most chars of history kept, counting each line as its length plus one;
     *     greater than {@code maxLineLength}, so the newest line always fits
     * @throws IllegalArgumentException if a bound is out of range
     */
    public Console(int maxLineLength, long maxHistoryChars) {
        if (maxLineLength < 2) {
            throw new IllegalArgumentException(
                    "maxLineLength must be at least 2 (a surrogate pair), got " + maxLineLength);
        }
        if (maxHistoryChars <= maxLineLength) {
            throw new IllegalArgumentException("maxHistoryChars must be greater than maxLineLength ("
                    + maxLineLength + ") so the newest line always fits, got " + maxHistoryChars);
        }
        this.maxLineLength = maxLineLength;
        this.maxHistoryChars = maxHistoryChars;
        this.partial = CharBuffer.allocate(maxLineLength);
    }

    /**
     * Returns the longest line kept in one piece; longer lines are split.
     *
     * @return the maximum line length, in chars
     */
    public int maxLineLength() {
        return maxLineLength;
    }

    /**
     * Returns the history bound: the most chars kept, counting each line as its length plus one.
     *
     * @return the maximum history size, in chars
     */
    public long maxHistoryChars() {
        return maxHistoryChars;
    }

    // ---------------------------------------------------------------------------------- writing

    /**
     * Feeds one byte the guest wrote to its console. Called by the vCPU thread for every serial
     * character, so it does O(1) work; when the byte completes a line, that line is appended to the
     * history, delivered to the followers on this thread, and waiters are woken. Bytes fed after
     * {@link #end()} are ignored.
     *
     * @param b the byte, in the low 8 bits (higher bits are ignored)
     */
    public void accept(int b) {
        int value = b & 0xFF;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            if (value == '\r') {
                if (!afterCr) {
                    terminateLine();
                    afterCr = true;
                }
            } else if (value == '\n') {
                if (afterCr) {
                    afterCr = false;
                } else {
                    terminateLine();
                }
            } else {
                afterCr = false;
                if (value < 0x80 && pendingBytes.position() == 0) {
                    if (!partial.hasRemaining()) {
                        completeLine();
                    }
                    partial.put((char) value);
                } else {
                    pendingBytes.put((byte) value);
                    decode(false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the console finished: the guest stopped and no more bytes will come. The unterminated
     * line, if any, stays the {@link #partialLine()} (it is not turned into a complete line; an
     * incomplete UTF-8 sequence at its end becomes U+FFFD). Wakes every waiter, so
     * {@link #awaitLine(Predicate, Duration)} returns promptly with what it has. Calling it again
     * does nothing.
     */
    public void end() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            decode(true);
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decodes the pending bytes into the partial line, splitting the line when it is full. With
     * {@code endOfInput}, an incomplete sequence left over is replaced and the decoder reset.
     */
    private void decode(boolean endOfInput) {
        if (pendingBytes.position() == 0) {
            return;
        }
        pendingBytes.flip();
        while (decoder.decode(pendingBytes, partial, endOfInput).isOverflow()) {
            completeLine();
        }
        if (endOfInput) {
            while (decoder.flush(partial) == CoderResult.OVERFLOW) {
                completeLine();
            }
            decoder.reset();
        }
        pendingBytes.compact();
    }

    /** Ends the current line at a terminator, replacing an incomplete UTF-8 sequence first. */
    private void terminateLine() {
        decode(true);
        completeLine();
    }

    /**
     * Completes the partial line as it is (at a terminator, or because it is full): appends it to
     * the history, evicts, delivers it to the followers, signals the waiters.
     */
    private void completeLine() {
        String line = new String(partial.array(), 0, partial.position());
        partial.clear();

        history.add(line);
        historyChars += line.length() + 1L;
        while (historyChars > maxHistoryChars) {
            evictOldest();
        }
        for (Follower follower : followers) {
            follower.deliver(line);
        }
        changed.signalAll();
    }

    private void evictOldest() {
        String oldest = history.set(head, null);
        head++;
        dropped++;
        historyChars -= oldest.length() + 1L;
        if (head >= COMPACT_THRESHOLD && head * 2 >= history.size()) {
            history.subList(0, head).clear();
            head = 0;
        }
    }

    // ---------------------------------------------------------------------------------- reading

    /**
     * Returns the complete lines currently in the history, oldest first.
     *
     * @return an immutable snapshot
     */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(history.subList(head, history.size()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the current unterminated line, for example a shell prompt {@code "/ # "}. The bytes
     * of a multi-byte UTF-8 character still being received are not included yet.
     *
     * @return the partial line, empty if the last byte ended a line
     */
    public String partialLine() {
        lock.lock();
        try {
            return new String(partial.array(), 0, partial.position());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the console as text: every history line followed by {@code "\n"}, then the partial
     * line. Evicted lines are not included.
     *
     * @return a snapshot of the retained output
     */
    public String text() {
        lock.lock();
        try {
            StringBuilder text = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8,
                    historyChars + partial.position()));
            for (int i = head; i < history.size(); i++) {
                text.append(history.get(i)).append('\n');
            }
            return text.append(partial.array(), 0, partial.position()).toString();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the last {@code n} complete lines, oldest first, for failure messages.
     *
     * @param n how many lines, at least 0
     * @return an immutable snapshot of at most {@code n} lines (fewer if the history is shorter)
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public List<String> tail(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("tail(n) needs n >= 0, got " + n);
        }
        lock.lock();
        try {
            int from = Math.max(head, history.size() - n);
            return List.copyOf(history.subList(from, history.size()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a stream over a snapshot of the history lines, as {@link #lines()} would return
     * them: lines completed after this call are not in the stream.
     *
     * @return a sequential stream over the snapshot
     */
    public Stream<String> stream() {
        return lines().stream();
    }

    /**
     * Returns how many lines have ever been completed, including evicted ones. It only grows, and
     * is the absolute index the next completed line will have: pass it to
     * {@link #awaitLine(Predicate, Duration, long)} to wait only for output that comes after now.
     *
     * @return the number of lines completed so far
     */
    public long lineCount() {
        lock.lock();
        try {
            return dropped + history.size() - head;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many of the oldest lines were evicted from the history by the memory bound.
     *
     * @return the number of evicted lines
     */
    public long droppedLines() {
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
     * @return {@code true} once the console is finished
     */
    public boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------- waiting

    /**
     * Waits for a line in which {@code pattern} is found, looking at the whole history first.
     * Equivalent to {@code awaitLine(pattern, timeout, 0)}.
     *
     * <p>A line matches when {@code pattern.matcher(line).find()} is true: the pattern may match
     * any part of the line. Anchor it ({@code ^...$}) to require a whole-line match.
     *
     * @param pattern the pattern to find in a line
     * @param timeout how long to wait at most
     * @return the first matching line, or empty if the timeout passed or the console ended first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    public Optional<String> awaitLine(Pattern pattern, Duration timeout)
            throws InterruptedException {
        return awaitLine(pattern, timeout, 0);
    }

    /**
     * Waits for a line with index {@code fromLine} or later in which {@code pattern} is found.
     * Matching uses {@code pattern.matcher(line).find()}: the pattern may match any part of the
     * line. See {@link #awaitLine(Predicate, Duration, long)} for the waiting rules.
     *
     * @param pattern the pattern to find in a line
     * @param timeout how long to wait at most
     * @param fromLine the absolute index of the first line to consider, typically a
     *     {@link #lineCount()} taken earlier
     * @return the first matching line, or empty if the timeout passed or the console ended first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    public Optional<String> awaitLine(Pattern pattern, Duration timeout, long fromLine)
            throws InterruptedException {
        Objects.requireNonNull(pattern, "pattern");
        return awaitLine(line -> pattern.matcher(line).find(), timeout, fromLine);
    }

    /**
     * Waits for a line that satisfies {@code predicate}, looking at the whole history first.
     * Equivalent to {@code awaitLine(predicate, timeout, 0)}.
     *
     * @param predicate the test a line must pass; called on the waiting thread, without any lock
     * @param timeout how long to wait at most
     * @return the first matching line, or empty if the timeout passed or the console ended first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    public Optional<String> awaitLine(Predicate<String> predicate, Duration timeout)
            throws InterruptedException {
        return awaitLine(predicate, timeout, 0);
    }

    /**
     * Waits for the first line with absolute index {@code fromLine} or later that satisfies
     * {@code predicate}. Lines already in the history are checked first, then each new line as it
     * completes; the partial line is never checked. Lines evicted before they could be checked are
     * skipped. The thread waits on a condition variable, not by polling.
     *
     * <p>Interactive tests take {@link #lineCount()}, send a command, then wait from that index so
     * that older output cannot match.
     *
     * @param predicate the test a line must pass; called on the waiting thread, without any lock
     * @param timeout how long to wait at most; zero or negative checks the lines present and
     *     returns
     * @param fromLine the absolute index of the first line to consider
     * @return the first matching line, or empty if the timeout passed, or the console
     *     {@linkplain #end() ended} and no line matched
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
                    long count = dropped + history.size() - head;
                    next = Math.max(next, dropped);
                    if (next < count) {
                        int from = head + (int) (next - dropped);
                        fresh = new ArrayList<>(history.subList(from, history.size()));
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
     * Waits until the console {@linkplain #end() ends}.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if the console ended, {@code false} if the timeout passed first
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

    // -------------------------------------------------------------------------------- following

    /**
     * Follows the console live: {@code consumer} receives each line completed from now on. Same as
     * {@code follow(consumer, false)}.
     *
     * @param consumer receives the lines; see {@link #follow(Consumer, boolean)}
     * @return the subscription; close it to stop the delivery
     */
    public Subscription follow(Consumer<String> consumer) {
        return follow(consumer, false);
    }

    /**
     * Follows the console: {@code consumer} receives every completed line, in order, each exactly
     * once. With {@code replayHistory}, it first receives the lines already in the history; the
     * replay and the registration happen atomically, so no line is lost or repeated between replay
     * and live delivery.
     *
     * <p>Replayed lines are delivered on the calling thread, live lines on the thread feeding the
     * console (the vCPU thread), in both cases while the console's lock is held. The consumer must
     * therefore be quick and must not block: while it runs, the guest cannot write and readers
     * wait. It may call this console's methods (the lock is reentrant) but must not wait on it. A
     * consumer that throws is logged and removed; the console and the other followers go on.
     *
     * @param consumer receives the lines
     * @param replayHistory whether to deliver the current history first
     * @return the subscription; close it to stop the delivery (already closed if the consumer
     *     threw during the replay)
     */
    public Subscription follow(Consumer<String> consumer, boolean replayHistory) {
        Follower follower = new Follower(Objects.requireNonNull(consumer, "consumer"));
        lock.lock();
        try {
            if (replayHistory) {
                for (int i = head; i < history.size() && !follower.closed; i++) {
                    follower.deliver(history.get(i));
                }
                if (follower.closed) {
                    return follower;
                }
            }
            Follower[] grown = Arrays.copyOf(followers, followers.length + 1);
            grown[followers.length] = follower;
            followers = grown;
            return follower;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A registration made by {@link #follow(Consumer, boolean)}. Closing it stops the delivery;
     * closing it again does nothing.
     */
    public interface Subscription extends AutoCloseable {

        /** Stops the delivery of lines to the follower. Never throws; idempotent. */
        @Override
        void close();
    }

    /** A follower; all its state is guarded by the console lock. */
    private final class Follower implements Subscription {

        private final Consumer<String> consumer;
        private boolean closed;

        Follower(Consumer<String> consumer) {
            this.consumer = consumer;
        }

        /** Delivers a line unless closed; a consumer that throws is logged and removed. */
        void deliver(String line) {
            if (closed) {
                return;
            }
            try {
                consumer.accept(line);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "console follower " + consumer + " threw; removing it", e);
                close();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                followers = Arrays.stream(followers).filter(f -> f != this)
                        .toArray(Follower[]::new);
            } finally {
                lock.unlock();
            }
        }
    }
}
