package io.github.bootkernel.engine.console;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A registration made by {@link Console#follow(Consumer, boolean)}. Closing it stops the
 * delivery; closing it again does nothing. Thread-safe: it may be used from any thread, also
 * from the follower itself while it receives a line.
 */
public interface Subscription extends AutoCloseable {

    /**
     * Returns how many lines this follower missed because the history's bound evicted them
     * before the follower could get them (it was slower than the guest), or because its machine
     * was closed before they were delivered.
     *
     * @return the count, in lines; it only grows
     */
    long droppedLines();

    /**
     * Waits until the follower got every line completed before this call (or they were counted
     * by {@link #droppedLines()}), at most {@code timeout}. For a test that follows a console and
     * then checks what its follower saw.
     *
     * @param timeout how long to wait at most; zero or negative only checks
     * @return {@code true} once the follower is up to date; {@code false} if the timeout passed
     *     or the subscription was closed first
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if called by a follower of the same console, which would
     *     wait for itself
     */
    boolean awaitDelivered(Duration timeout) throws InterruptedException;

    /**
     * Stops the delivery of lines to the follower: after this returns, it receives at most the
     * line it is receiving now. Never throws; idempotent.
     */
    @Override
    void close();
}
