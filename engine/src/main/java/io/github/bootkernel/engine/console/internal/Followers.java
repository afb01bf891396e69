package io.github.bootkernel.engine.console.internal;

import io.github.bootkernel.engine.console.Subscription;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The consumers following a console live. Registration is copy-on-write, so a follower may close
 * its own or another subscription while lines are being delivered. A follower that throws is
 * logged and removed; the others go on.
 *
 * <p><b>Threads.</b> Guarded by the lock given at construction, which the owner shares with the
 * history: {@link #deliver(String)} runs with it held (on the feeding thread), and
 * {@link #add(Consumer, List)} takes it, so a replay and the registration after it happen with no
 * line delivered in between, provided the owner takes the replayed lines under the same lock.
 */
public final class Followers {

    private static final System.Logger LOG = System.getLogger(Followers.class.getName());

    private final ReentrantLock lock;
    /** Replaced, never modified, under the lock. */
    private Follower[] followers = new Follower[0];

    /**
     * Creates an empty set of followers.
     *
     * @param lock guards the registrations and the delivery
     */
    public Followers(ReentrantLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /**
     * Registers a consumer: it first receives {@code replay}, in order, then every line
     * {@linkplain #deliver(String) delivered} after this call. Replayed lines are delivered on the
     * calling thread.
     *
     * @param consumer receives the lines
     * @param replay the lines to deliver first (empty for none)
     * @return the subscription; already closed if the consumer threw during the replay
     */
    public Subscription add(Consumer<String> consumer, List<String> replay) {
        Follower follower = new Follower(Objects.requireNonNull(consumer, "consumer"));
        lock.lock();
        try {
            for (int i = 0; i < replay.size() && !follower.closed; i++) {
                follower.deliver(replay.get(i));
            }
            if (follower.closed) {
                return follower;
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
     * Delivers a line to every follower registered now, in registration order. The caller holds
     * the lock.
     *
     * @param line the completed line
     */
    public void deliver(String line) {
        for (Follower follower : followers) {
            follower.deliver(line);
        }
    }

    /** A follower; all its state is guarded by the lock. */
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
