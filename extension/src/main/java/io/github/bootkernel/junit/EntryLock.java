package io.github.bootkernel.junit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An exclusive lock on one entry of the {@link SnapshotCache}, across JVMs (Surefire forks, two
 * builds on one cache): a {@link FileChannel#tryLock() file lock} on {@code <entry>.lock}, polled
 * until a bound, so a JVM that finds the entry missing while another boots its template waits for
 * that boot and loads its file instead of booting too. Only an economy: whoever does not get the
 * lock in time boots anyway, and the entries are written so that two writers of one entry are
 * harmless ({@link SnapshotCache.Entry#save}).
 *
 * <p>Not {@code kernels}' {@code ItemLock}: that one is internal to its module and waits without a
 * bound. A file lock belongs to the whole JVM, so a second launcher run in the same JVM asking for
 * the same entry sees {@link OverlappingFileLockException}, which counts as "held" here.
 */
final class EntryLock implements AutoCloseable {

    /** How often a waiting JVM tries the lock again. */
    static final Duration POLL = Duration.ofMillis(100);

    private final FileChannel channel;

    private EntryLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the lock of {@code lockFile}, waiting at most {@code bound} while someone else holds it.
     *
     * @param lockFile the lock file; created if missing, never written
     * @param bound how long to wait
     * @return the held lock, or empty if it was held by another JVM (or another launcher run in
     *     this one) all along
     * @throws IOException if the lock file cannot be created or locked
     * @throws InterruptedException if the thread was interrupted while waiting
     */
    static Optional<EntryLock> acquire(Path lockFile, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(bound);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisJvm) {
                    lock = null;
                }
                if (lock != null) {
                    EntryLock held = new EntryLock(channel);
                    channel = null;
                    return Optional.of(held);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), TimeUnit.NANOSECONDS.toMillis(left))));
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** Releases the lock (closing the channel drops it). Idempotent. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The kernel drops the lock with the descriptor; nothing was written.
        }
    }
}
