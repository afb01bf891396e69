package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Console;

/**
 * The write side of a console: the bytes a guest writes to its serial port go in here, and the
 * lines come out of {@link #console()}. Only the machine holds it; what it hands to users is the
 * read-only {@link Console}.
 *
 * <p>One thread at a time feeds it (the vCPU thread); {@link #end()} may come from another.
 * {@link #accept(int)} costs an uncontended lock and O(1) work per byte, allocates nothing, and
 * amortized O(1) work per completed line (without followers), even while old lines are evicted.
 */
public interface ConsoleSink {

    /**
     * Creates an empty console with the default bounds ({@value Console#DEFAULT_MAX_LINE_LENGTH}
     * chars per line, {@value Console#DEFAULT_MAX_HISTORY_CHARS} chars of history).
     *
     * @return its write side
     */
    static ConsoleSink create() {
        return new RecordingConsole(Console.DEFAULT_MAX_LINE_LENGTH, Console.DEFAULT_MAX_HISTORY_CHARS);
    }

    /**
     * Feeds one byte the guest wrote. When it completes a line, the line is appended to the
     * history, delivered to the followers on this thread, and waiters are woken, before this
     * method returns. Bytes fed after {@link #end()} are ignored.
     *
     * @param b the byte, in the low 8 bits (higher bits are ignored)
     */
    void accept(int b);

    /**
     * Marks the console finished: the guest stopped and no more bytes will come. The unterminated
     * line stays the {@linkplain Console#partialLine() partial line} (an incomplete UTF-8
     * sequence at its end becomes U+FFFD). Wakes every waiter. Calling it again does nothing.
     */
    void end();

    /**
     * Returns the read side fed by this sink.
     *
     * @return the console, the same object on every call
     */
    Console console();
}
