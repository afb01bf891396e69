package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Console;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The write side of a console: the bytes a guest writes to its serial port go in here, and the
 * lines come out of {@link #console()}. Only the machine holds it; what it hands to users is the
 * read-only {@link Console}.
 *
 * <p>One thread at a time feeds it (the vCPU thread); {@link #end(String)} may come from another.
 * {@link #accept(int)} costs an uncontended lock and O(1) work per byte, allocates nothing, never
 * waits for host code, and costs O(length) per completed line (the watcher's work aside), even
 * while old lines are evicted. Followers and the raw-output consumer run on the console's
 * delivery thread, never on the feeding thread.
 */
public interface ConsoleSink {

    /**
     * How many bytes may wait for the raw-output consumer: 256 KiB, a few seconds of a guest
     * printing as fast as it can. Bytes that do not fit are dropped and counted by
     * {@link #rawOutputDropped()}.
     */
    int RAW_BUFFER_BYTES = 256 * 1024;

    /**
     * Creates an empty console with the default bounds ({@value Console#DEFAULT_MAX_LINE_LENGTH}
     * chars per line, {@value Console#DEFAULT_MAX_HISTORY_BYTES} bytes of history), without
     * watcher and raw output.
     *
     * @return its write side
     */
    static ConsoleSink create() {
        return new RecordingConsole(Console.DEFAULT_MAX_LINE_LENGTH, Console.DEFAULT_MAX_HISTORY_BYTES);
    }

    /**
     * Creates an empty console with the default bounds, a watcher and a raw-output consumer.
     *
     * @param watcher sees each completed line on the feeding thread, after the history got it
     *     and before this sink's {@link #accept(int)} returns, with the console's lock held: it
     *     must be quick, touch only the heap and never wait (the machine's own watch on kernel
     *     messages); one that throws is logged and the console goes on
     * @param rawOutput receives each byte on the console's delivery thread, in order, through a
     *     buffer of {@value #RAW_BUFFER_BYTES} bytes; or {@code null} for none
     * @return its write side
     */
    static ConsoleSink create(Consumer<String> watcher, IntConsumer rawOutput) {
        return new RecordingConsole(Console.DEFAULT_MAX_LINE_LENGTH, Console.DEFAULT_MAX_HISTORY_BYTES,
                Objects.requireNonNull(watcher, "watcher"), rawOutput, RAW_BUFFER_BYTES);
    }

    /**
     * Feeds one byte the guest wrote. When it completes a line, the line is appended to the
     * history, shown to the watcher, and waiters are woken, before this method returns; the byte
     * and the line are queued for the raw consumer and the followers, never handed to them here.
     * Bytes fed after the end are ignored.
     *
     * @param b the byte, in the low 8 bits (higher bits are ignored)
     */
    void accept(int b);

    /**
     * Marks the console finished without a guest (a console made from text): as
     * {@link #end(String)} with no words.
     */
    void end();

    /**
     * Marks the console finished: the guest stopped and no more bytes will come. The unterminated
     * line stays the {@linkplain Console#partialLine() partial line} (an incomplete UTF-8
     * sequence at its end becomes U+FFFD). Wakes every waiter; followers and the raw consumer
     * still get what was queued. Calling it again does nothing.
     *
     * @param how how the guest ended, in words (for example {@code "exit status 3"}), shown by
     *     {@link Console#endReason()}; {@code null} for none
     */
    void end(String how);

    /**
     * Waits until the followers and the raw consumer got everything queued, at most
     * {@code timeout}, then gives up on them: nothing more is delivered, their subscriptions are
     * closed, and what they did not get is counted as dropped. Call it after the end. Called from
     * a follower or the raw consumer, it returns {@code false} at once and the delivery finishes
     * by itself. Never throws; an interrupt ends the wait at once and stays set.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if everything was delivered
     */
    boolean finishDelivery(Duration timeout);

    /**
     * Returns how many bytes the raw-output consumer did not get: the buffer was full (the
     * consumer was too slow), the consumer threw, or {@link #finishDelivery(Duration)} gave up.
     *
     * @return the count, in bytes; 0 without a raw-output consumer
     */
    long rawOutputDropped();

    /**
     * Returns the read side fed by this sink.
     *
     * @return the console, the same object on every call
     */
    Console console();
}
