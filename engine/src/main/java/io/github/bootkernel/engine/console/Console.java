package io.github.bootkernel.engine.console;

import io.github.bootkernel.engine.console.internal.ConsoleSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A guest's console output, read-only: the serial bytes assembled into lines, kept as a bounded
 * history that callers can snapshot, wait on, or follow live. The machine feeds it; nothing here
 * writes to it.
 *
 * <p><b>Lines.</b> Bytes are decoded as UTF-8; malformed or truncated sequences become U+FFFD. A
 * line ends at LF, at CR LF, or at a lone CR; the terminator is not part of the line. A run of CRs
 * directly followed by at most one LF is a single terminator, so the {@code "\r\r\n"} a tty
 * produces for a program's {@code "\r\n"} does not add empty lines. A line longer than
 * {@link #maxLineLength()} chars is split: the first {@code maxLineLength} chars become a complete
 * line and the rest continues as a new one (a surrogate pair is never split). The text after the
 * last terminator is the {@link #partialLine()}.
 *
 * <p><b>Memory bound.</b> The history holds at most {@link #maxHistoryBytes()} bytes of heap,
 * each line counted as what it costs on a 64-bit JVM with compressed references (the default
 * below 32 GiB of heap): 24 bytes for its {@code String}, 16 bytes of array header plus its text
 * (one byte per char when every char is below U+0100, else two) rounded up to 8, and a 4-byte
 * slot in the history's list (which holds its slots in chunks of 1024, never in one large
 * array); an empty line costs only its slot. When a new line would exceed the bound, the oldest
 * lines are evicted and counted by {@link #droppedLines()}. So the default
 * {@value #DEFAULT_MAX_HISTORY_BYTES} bytes (16 MiB) keep about 4.2 million empty lines, 320,000
 * one-char lines, or 135,000 lines of 80 ASCII chars (about 11 MB of such text), and no flood
 * holds more: measured, the worst (empty lines) grows the heap by 16.2 MiB, the chunks' headers
 * included. Besides the history, a console holds about 17 KiB (the line being assembled,
 * {@link #maxLineLength()} chars, and two partly used chunks of slots) and, for a machine started
 * with a raw-output consumer, a 256 KiB buffer of bytes waiting for it. Without compressed
 * references (heaps of 32 GiB and more) the true figures are up to twice these. Line indexes are
 * absolute: line {@code i} is the {@code i}-th line ever completed (from 0), and
 * {@link #lineCount()} keeps counting across evictions. A machine's console, and one made by
 * {@link #of(String)}, has the default bounds: {@value #DEFAULT_MAX_LINE_LENGTH} chars per line,
 * {@value #DEFAULT_MAX_HISTORY_BYTES} bytes of history.
 *
 * <p><b>Threads.</b> Every method is thread-safe and may be called from any thread while the
 * guest writes. Snapshots ({@link #lines()}, {@link #text()}, {@link #tail(int)},
 * {@link #stream()}) never change after they are returned. {@link #awaitLine(Pattern, Duration)}
 * and its variants wait on a condition variable that is signalled once per completed line and when
 * the console {@linkplain #isEnded() ends}; they never sleep-poll and they honour interrupts.
 * Followers ({@link #follow(Consumer, boolean)}) run on the console's own delivery thread, never
 * on the thread that runs the guest, so no host code can stall the guest.
 *
 * <p><b>Ending.</b> The console ends when its guest stops running (it exited, reset, crashed, hit
 * its time limit or its machine was closed), once every byte the guest wrote is in it; from then
 * on it does not change, every wait returns at once with what it has, and {@link #endReason()}
 * says how the guest ended.
 *
 * <p>{@link #of(String)} makes an ended console from text, for testing code that reads consoles.
 */
public interface Console {

    /** Default {@link #maxLineLength()}: 4096 chars. */
    int DEFAULT_MAX_LINE_LENGTH = 4096;

    /** Default {@link #maxHistoryBytes()}: 16 MiB of heap. */
    long DEFAULT_MAX_HISTORY_BYTES = 16L * 1024 * 1024;

    /**
     * Returns an ended console holding {@code text}, split into lines as if a guest had written
     * its UTF-8 bytes and then stopped: the text after the last line terminator is the
     * {@link #partialLine()}. It has the bounds of a machine's console and no
     * {@link #endReason()}.
     *
     * <pre>{@code
     * Console console = Console.of("Linux version 6.1.0\ninit: ready\n/ # ");
     * console.lines();         // ["Linux version 6.1.0", "init: ready"]
     * console.partialLine();   // "/ # "
     * console.isEnded();       // true
     * }</pre>
     *
     * @param text the console output
     * @return a new, ended console
     */
    static Console of(String text) {
        ConsoleSink sink = ConsoleSink.create();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sink.accept(b);
        }
        sink.end();
        return sink.console();
    }

    /**
     * Returns the longest line kept in one piece; longer lines are split.
     *
     * @return the maximum line length, in chars
     */
    int maxLineLength();

    /**
     * Returns the history bound: the most heap the lines kept may hold, each line counted as the
     * class comment says.
     *
     * @return the bound, in bytes
     */
    long maxHistoryBytes();

    /**
     * Returns the heap the lines kept hold now, each line counted as the class comment says.
     *
     * @return bytes, at most {@link #maxHistoryBytes()}
     */
    long historyBytes();

    // ---------------------------------------------------------------------------------- reading

    /**
     * Returns the complete lines currently in the history, oldest first.
     *
     * @return an immutable snapshot
     */
    List<String> lines();

    /**
     * Returns the current unterminated line, for example a shell prompt {@code "/ # "}. The bytes
     * of a multi-byte UTF-8 character still being received are not included yet.
     *
     * @return the partial line, empty if the last byte ended a line
     */
    String partialLine();

    /**
     * Returns the console as text: every history line followed by {@code "\n"}, then the partial
     * line. Evicted lines are not included.
     *
     * @return a snapshot of the retained output
     */
    String text();

    /**
     * Returns the last {@code n} complete lines, oldest first, for failure messages.
     *
     * @param n how many lines, at least 0
     * @return an immutable snapshot of at most {@code n} lines (fewer if the history is shorter)
     * @throws IllegalArgumentException if {@code n} is negative
     */
    List<String> tail(int n);

    /**
     * Returns a stream over a snapshot of the history lines, as {@link #lines()} would return
     * them: lines completed after this call are not in the stream.
     *
     * @return a sequential stream over the snapshot
     */
    default Stream<String> stream() {
        return lines().stream();
    }

    /**
     * Returns how many lines have ever been completed, including evicted ones. It only grows, and
     * is the absolute index the next completed line will have: pass it to
     * {@link #awaitLine(Predicate, Duration, long)} to wait only for output that comes after now.
     *
     * @return the number of lines completed so far
     */
    long lineCount();

    /**
     * Returns how many of the oldest lines were evicted from the history by its memory bound.
     *
     * @return the number of evicted lines
     */
    long droppedLines();

    /**
     * Tells whether the console has ended: its guest stopped and no more output will come.
     *
     * @return {@code true} once the console is finished
     */
    boolean isEnded();

    /**
     * Returns how the guest ended, in words, once the console ended because it did: for example
     * {@code "exit status 3"}, {@code "TIMEOUT: no end within 2 s"} or
     * {@code "STOPPED: closed by the host"} (the machine's {@code GuestExit} as text).
     *
     * @return the words; empty while the console has not ended, and for a console made by
     *     {@link #of(String)}
     */
    Optional<String> endReason();

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
    default Optional<String> awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
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
    default Optional<String> awaitLine(Pattern pattern, Duration timeout, long fromLine)
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
    default Optional<String> awaitLine(Predicate<String> predicate, Duration timeout)
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
     *     {@linkplain #isEnded() ended} and no line matched
     * @throws InterruptedException if the thread is interrupted before or while waiting; the
     *     interrupt is not swallowed
     */
    Optional<String> awaitLine(Predicate<String> predicate, Duration timeout, long fromLine)
            throws InterruptedException;

    /**
     * Waits until the console {@linkplain #isEnded() ends}.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if the console ended, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    // -------------------------------------------------------------------------------- following

    /**
     * Follows the console live: {@code consumer} receives each line completed from now on. Same as
     * {@code follow(consumer, false)}.
     *
     * @param consumer receives the lines; see {@link #follow(Consumer, boolean)}
     * @return the subscription; close it to stop the delivery
     */
    default Subscription follow(Consumer<String> consumer) {
        return follow(consumer, false);
    }

    /**
     * Follows the console: {@code consumer} receives every completed line, in order, each at most
     * once. With {@code replayHistory}, it first receives the lines in the history now; the replay
     * and the registration happen atomically, so no line is lost or repeated between replay and
     * live delivery.
     *
     * <p>Every line, replayed or live, is delivered on the console's delivery thread (a daemon
     * thread named {@code bootkernel-console-N}, one per console), without any lock held, never
     * on the thread that runs the guest: a slow or blocking consumer cannot stall the guest,
     * its time limit or {@code close()}. The consumer may call this console's methods, wait on it,
     * and close its own or another subscription. The followers of one console share the thread,
     * so one that blocks delays the others. The lines waiting for a follower are the history
     * itself: a follower that falls behind by more than the history's bound misses the oldest
     * lines, which {@link Subscription#droppedLines()} counts. When its machine is closed, a
     * console's followers get a second to receive what is left; then they are given up (their
     * subscriptions closed), and a consumer still blocked then is abandoned, never joined. A
     * consumer that throws is logged and removed; the console and the other followers go on.
     *
     * <p>Delivery lags behind the history by a little: to act on a line as soon as it is there,
     * use {@link #awaitLine(Predicate, Duration, long)}; to know that the follower got every
     * line completed so far, use {@link Subscription#awaitDelivered(Duration)}.
     *
     * @param consumer receives the lines
     * @param replayHistory whether to deliver the current history first
     * @return the subscription; close it to stop the delivery
     */
    Subscription follow(Consumer<String> consumer, boolean replayHistory);
}
