package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Subscription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Hands a console's output to host code on a thread of its own, never on the thread that feeds
 * the console: each completed line to each follower, and each byte to the raw consumer, in the
 * order the guest wrote them.
 *
 * <p><b>Buffers.</b> Followers read the {@link History} itself: each has a cursor, the absolute
 * index of its next line, so following costs no memory of its own; lines the history's bound
 * evicted before a follower got them are skipped and counted by its
 * {@link Subscription#droppedLines()}. Raw bytes wait in a {@link ByteRing} of fixed size; a byte
 * that does not fit is dropped and counted by {@link #rawDropped()}. The feeding thread never
 * waits for a consumer.
 *
 * <p><b>Thread.</b> One daemon thread per console, named {@code bootkernel-console-N}, started
 * when there is something to deliver. It runs the consumers without the console's lock, and ends
 * once the console has ended and everything was delivered, or when {@link #finish(Duration)}
 * gives up on it. A consumer that blocks delays the other consumers of this console, never the
 * guest; {@link #finish(Duration)} abandons it, and it holds nothing but heap.
 *
 * <p>Guarded by the console's lock, given at construction.
 */
final class Delivery {

    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int BATCH_LINES = 256;
    private static final int BATCH_BYTES = 8192;

    private final ReentrantLock lock;
    /** The delivery thread waits on it for lines, bytes, followers or the end. */
    private final Condition work;
    /** Signalled when a follower's batch was delivered and when the delivery thread ends. */
    private final Condition progress;
    private final History history;
    private final IntConsumer raw;

    // All guarded by lock.
    /** Bytes for the raw consumer; null without one, or once it failed or was abandoned. */
    private ByteRing ring;
    private long rawDropped;
    /** Size of the raw batch the delivery thread is handing over. */
    private int rawBatch;
    /** Replaced, never modified. */
    private Follower[] followers = new Follower[0];
    private int nextFollower;
    /** The delivery thread; null when none runs. Written under the lock, read by it without. */
    private volatile Thread thread;
    /** How many bytes of {@link #rawBatch} the delivery thread handed over. */
    private volatile int rawDone;

    /**
     * Creates the delivery of a console.
     *
     * @param lock the console's lock
     * @param history the console's lines
     * @param raw receives each byte, or {@code null} for none
     * @param rawBufferBytes how many bytes may wait for {@code raw}; allocated at once when
     *     {@code raw} is not {@code null}
     */
    Delivery(ReentrantLock lock, History history, IntConsumer raw, int rawBufferBytes) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.history = Objects.requireNonNull(history, "history");
        this.work = lock.newCondition();
        this.progress = lock.newCondition();
        this.raw = raw;
        this.ring = raw == null ? null : new ByteRing(rawBufferBytes);
    }

    // ------------------------------------------------------------------- feeding thread, locked

    /** A byte the guest wrote, for the raw consumer. O(1); never waits. The lock is held. */
    void rawByte(int b) {
        if (ring == null) {
            if (raw != null) { // the consumer threw or was given up: count what it misses
                rawDropped++;
            }
            return;
        }
        if (!ring.offer(b)) {
            rawDropped++;
        } else if (ring.size() == 1) {
            ensureRunning();
            work.signalAll();
        }
    }

    /** A line was added to the history. The lock is held. */
    void lineAdded() {
        if (followers.length > 0) {
            work.signalAll();
        }
    }

    /** The console ended: the delivery thread ends once it has delivered everything. */
    void end() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------- any thread

    /**
     * Registers a follower: from the oldest line kept with {@code replay}, else from the next
     * line completed.
     *
     * @param consumer receives the lines on the delivery thread
     * @param replay whether to start with the lines kept now
     * @return the subscription
     */
    Subscription follow(Consumer<String> consumer, boolean replay) {
        Objects.requireNonNull(consumer, "consumer");
        lock.lock();
        try {
            long from = replay ? history.dropped() : history.count();
            Follower follower = new Follower(consumer, from);
            Follower[] grown = Arrays.copyOf(followers, followers.length + 1);
            grown[followers.length] = follower;
            followers = grown;
            if (from < history.count() || !history.isEnded()) {
                ensureRunning();
                work.signalAll();
            }
            return follower;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until everything was delivered (call it after the console ended), at most
     * {@code timeout}; then, if the delivery is not done, abandons it: nothing more is delivered,
     * the followers are closed, and what was not delivered is counted as dropped. Called by a
     * consumer itself (on the delivery thread), it returns at once and abandons nothing: the
     * thread finishes by itself after that consumer returns. An interrupt abandons at once and
     * stays set.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if everything was delivered
     */
    boolean finish(Duration timeout) {
        long remaining = TimeUnit.NANOSECONDS.convert(timeout);
        lock.lock();
        try {
            if (Thread.currentThread() == thread) {
                return false;
            }
            try {
                while (thread != null && remaining > 0) {
                    remaining = progress.awaitNanos(remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread == null) {
                return true;
            }
            abandon();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many raw bytes the raw consumer did not get: they did not fit the buffer, the
     * consumer threw, or the delivery was abandoned before it got them.
     *
     * @return the count, in bytes
     */
    long rawDropped() {
        lock.lock();
        try {
            return rawDropped;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------- internals

    /** Starts a delivery thread unless one runs. The lock is held. */
    private void ensureRunning() {
        if (thread == null) {
            Thread t = new Thread(this::run, "bootkernel-console-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** Gives up on the current delivery thread. The lock is held. */
    private void abandon() {
        thread = null;
        if (ring != null) {
            rawDropped += ring.clear() + (rawBatch - rawDone);
            ring = null;
        }
        long count = history.count();
        for (Follower f : followers) {
            f.dropped += count - f.delivered;
            f.closed = true;
        }
        followers = new Follower[0];
        work.signalAll();
        progress.signalAll();
    }

    private void run() {
        Thread self = Thread.currentThread();
        byte[] bytes = new byte[BATCH_BYTES];
        List<String> lines = new ArrayList<>(BATCH_LINES);
        try {
            while (true) {
                int n = 0;
                Follower target;
                lock.lock();
                try {
                    while (true) {
                        if (thread != self) {
                            return;
                        }
                        if (ring != null && ring.size() > 0) {
                            n = ring.poll(bytes);
                            rawBatch = n;
                            rawDone = 0;
                        }
                        target = takeLines(lines);
                        if (n > 0 || target != null) {
                            break;
                        }
                        if (history.isEnded()) {
                            thread = null;
                            progress.signalAll();
                            return;
                        }
                        work.awaitUninterruptibly();
                    }
                } finally {
                    lock.unlock();
                }
                if (n > 0) {
                    deliverRaw(self, bytes, n);
                }
                if (target != null) {
                    target.deliver(self, lines);
                    lines.clear();
                }
            }
        } finally {
            lock.lock();
            try {
                if (thread == self) { // a consumer threw an Error: give up as finish() would
                    abandon();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Takes the next batch of lines for one follower that lacks some, round robin. The lock is
     * held.
     *
     * @return the follower, with its lines in {@code into}; null if every follower is up to date
     */
    private Follower takeLines(List<String> into) {
        long count = history.count();
        for (int i = 0; i < followers.length; i++) {
            Follower f = followers[(nextFollower + i) % followers.length];
            if (f.cursor >= count) {
                continue;
            }
            long first = history.copy(f.cursor, BATCH_LINES, into);
            f.dropped += first - f.cursor;
            f.cursor = first + into.size();
            if (into.isEmpty()) {
                f.delivered = f.cursor;
                continue;
            }
            nextFollower = (nextFollower + i + 1) % followers.length;
            return f;
        }
        return null;
    }

    /** Hands a batch to the raw consumer, without the lock; stops when abandoned. */
    private void deliverRaw(Thread self, byte[] bytes, int n) {
        for (int i = 0; i < n; i++) {
            if (thread != self) {
                return;
            }
            try {
                raw.accept(bytes[i] & 0xFF);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "console raw-output consumer " + raw + " threw; no more output goes to it", e);
                lock.lock();
                try {
                    if (ring != null) {
                        rawDropped += ring.clear() + (n - i - 1);
                        ring = null;
                    }
                } finally {
                    lock.unlock();
                }
                return;
            }
            rawDone = i + 1;
        }
    }

    /** A follower: its consumer and its place in the history. Guarded by the lock. */
    private final class Follower implements Subscription {

        private final Consumer<String> consumer;
        /** Absolute index of the next line to take from the history. */
        private long cursor;
        /** Every line before this index was delivered or skipped. */
        private long delivered;
        private long dropped;
        /** Also read without the lock, by the delivery thread between lines. */
        private volatile boolean closed;

        Follower(Consumer<String> consumer, long from) {
            this.consumer = consumer;
            this.cursor = from;
            this.delivered = from;
        }

        /** Hands a batch to the consumer, without the lock; stops when closed or abandoned. */
        void deliver(Thread self, List<String> lines) {
            for (String line : lines) {
                if (closed || thread != self) {
                    break;
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
            lock.lock();
            try {
                delivered = cursor;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long droppedLines() {
            lock.lock();
            try {
                return dropped;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean awaitDelivered(Duration timeout) throws InterruptedException {
            long remaining = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
            if (Thread.currentThread() == thread) {
                throw new IllegalStateException("awaitDelivered called on the console's delivery thread (by a"
                        + " follower): it would wait for itself");
            }
            lock.lockInterruptibly();
            try {
                long target = history.count();
                while (delivered < target && !closed) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = progress.awaitNanos(remaining);
                }
                return !closed;
            } finally {
                lock.unlock();
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
                followers = Arrays.stream(followers).filter(f -> f != this).toArray(Follower[]::new);
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
