package io.github.bootkernel.junit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A value built at most once however many threads ask for it, whose build may fail: the first
 * caller builds it on its own thread, the others wait for that build, each for a bounded time, and
 * a failed build fails every later caller with the same cause instead of building again. A build
 * abandoned because its thread was interrupted (a test's timeout, a cancelled run) is not the
 * value's fault: it is forgotten, and the next caller (a waiter included) builds again.
 *
 * <p>Used for the template guests of {@link BootKernel#fromSnapshot()} ({@link Template}); no KVM
 * here, so its rules are tested on their own.
 *
 * @param <T> the value; closed by {@link #close()}, or at once if it is built after that
 */
final class BootOnce<T extends AutoCloseable> implements AutoCloseable {

    private final Object lock = new Object();
    /** The build under way or done; null before the first and after an abandoned one. Guarded by {@link #lock}. */
    private Attempt<T> attempt;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /** One build: its result, who started it, and until when its waiters wait (System.nanoTime). */
    private record Attempt<T>(CompletableFuture<T> result, String by, long waitUntil) {
    }

    /**
     * Why a caller got no value: the build failed (now or earlier, {@link #getCause()} is its
     * exception, {@link #ownBuild()} says whether this caller ran it), another caller's build did not
     * finish in time, the waiting thread was interrupted, or the owner was closed.
     */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean ownBuild;

        Refused(String message, Throwable cause, boolean ownBuild) {
            super(message, cause);
            this.ownBuild = ownBuild;
        }

        /** @return whether the calling thread ran the build that failed */
        boolean ownBuild() {
            return ownBuild;
        }
    }

    /** Marks an attempt whose builder was interrupted; its waiters try again. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super(null, null, false, false);
        }
    }

    /**
     * Returns the value, building it with {@code build} on this thread if no build is under way or
     * done.
     *
     * @param build builds the value; it may throw, and it keeps the thread's interrupt flag
     * @param by who builds it, in words, for the waiters' messages
     * @param bound how long the build may take: its waiters wait at most this long after it began
     * @return the value
     * @throws Refused if the build failed (the cause is its exception), a waited-for build did not
     *     finish within its bound, this thread was interrupted while waiting (the flag stays set),
     *     or this was closed
     */
    T get(Supplier<T> build, String by, Duration bound) {
        while (true) {
            Attempt<T> current;
            boolean mine = false;
            synchronized (lock) {
                if (closed) {
                    throw new Refused("the launcher run has ended", null, false);
                }
                if (attempt == null) {
                    attempt = new Attempt<>(new CompletableFuture<>(), by,
                            System.nanoTime() + TimeUnit.NANOSECONDS.convert(bound));
                    mine = true;
                }
                current = attempt;
            }
            if (mine) {
                return build(current, build);
            }
            try {
                return await(current);
            } catch (Abandoned retry) {
                // The builder was interrupted; one of the callers builds again.
            }
        }
    }

    private T build(Attempt<T> current, Supplier<T> build) {
        T value;
        try {
            value = build.get();
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted()) {
                synchronized (lock) {
                    if (attempt == current) {
                        attempt = null;
                    }
                }
                current.result.completeExceptionally(new Abandoned());
            } else {
                current.result.completeExceptionally(e);
            }
            throw new Refused(e.getMessage(), e, true);
        }
        synchronized (lock) {
            // Completed under the lock, so close() either sees the value (and closes it) or this sees closed.
            if (!closed) {
                current.result.complete(value);
                return value;
            }
        }
        try {
            value.close();
        } catch (Exception e) {
            // Nobody will use it; closing is best effort.
        }
        current.result.completeExceptionally(new Refused("the launcher run has ended", null, false));
        throw new Refused("the launcher run ended while " + current.by + " built the value", null, true);
    }

    private T await(Attempt<T> current) {
        long left = current.waitUntil - System.nanoTime();
        try {
            return current.result.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // No cause: the build has not failed; the caller sees its interrupt flag.
            throw new Refused("interrupted while waiting for " + current.by, null, false);
        } catch (TimeoutException e) {
            throw new Refused(current.by + " has not finished within its bound; not waiting longer", null, false);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Abandoned abandoned) {
                throw abandoned;
            }
            throw new Refused(e.getCause().getMessage(), e.getCause(), false);
        }
    }

    /** Closes the value if it was built; a build still under way closes its value when it ends. Idempotent. */
    @Override
    public void close() {
        Attempt<T> current;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            current = attempt;
        }
        if (current != null && current.result.isDone() && !current.result.isCompletedExceptionally()) {
            try {
                current.result.join().close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + current.by + "'s value failed: " + e.getMessage(), e);
            }
        }
    }
}
