package io.github.bootkernel.engine.console;

import java.util.function.Consumer;

/**
 * A registration made by {@link Console#follow(Consumer, boolean)}. Closing it stops the
 * delivery; closing it again does nothing. Thread-safe: it may be closed from any thread, also
 * from the follower itself while it receives a line.
 */
public interface Subscription extends AutoCloseable {

    /** Stops the delivery of lines to the follower. Never throws; idempotent. */
    @Override
    void close();
}
