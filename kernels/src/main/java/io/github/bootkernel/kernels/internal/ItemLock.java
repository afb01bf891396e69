package io.github.bootkernel.kernels.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The one lock of the cache: exclusive use of one thing in it (an item's directory, the
 * {@code latest/} links, the index, the tiny kernels' work directory) across threads and
 * processes. It is a {@link FileChannel#lock() file lock} on {@code <name>.lock} next to the
 * thing, which serializes processes (Surefire forks, {@code mvn -T}, two checkouts, CI jobs
 * sharing {@code ~/.cache/bootkernel}), plus a {@link ReentrantLock} per lock file, because a file
 * lock is held by the whole process and cannot be taken twice in one JVM. The lock is reentrant
 * within a thread. Maven Resolver's named file locks are the model.
 *
 * <p>Whoever first takes the lock deletes the {@link AtomicFiles#isTemporary temporary files} a
 * killed process left in the thing's directory (and one level below it), or, for a file, its
 * collocated temporary files: while the lock is held, nobody else writes there.
 *
 * <pre>{@code
 * try (ItemLock lock = ItemLock.acquire(cacheRoot.resolve("debian-cloud"), progress)) {
 *     // check the item, produce it, record it
 * }
 * }</pre>
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class ItemLock implements AutoCloseable {

    /** The lock state of one lock file in this JVM. */
    private static final class Holder {
        final ReentrantLock local = new ReentrantLock();
        FileChannel channel;
        FileLock fileLock;
    }

    private static final Map<Path, Holder> HOLDERS = new ConcurrentHashMap<>();

    private final Holder holder;
    private final Path thing;
    private boolean closed;

    private ItemLock(Holder holder, Path thing) {
        this.holder = holder;
        this.thing = thing;
    }

    /**
     * Returns what this lock guards.
     *
     * @return the path given to {@link #acquire}
     */
    public Path thing() {
        return thing;
    }

    /**
     * Takes the lock of a thing in the cache, waiting as long as another thread or process holds it.
     *
     * @param thing the item directory, directory or file to lock; it need not exist
     * @param waiting told once, in words, when another process holds the lock and this call waits
     * @return the held lock; close it to release it
     * @throws UncheckedIOException if the lock file cannot be created or locked
     */
    public static ItemLock acquire(Path thing, Consumer<String> waiting) {
        Path lockFile = lockFile(thing);
        Holder holder = HOLDERS.computeIfAbsent(lockFile, k -> new Holder());
        holder.local.lock();
        if (holder.local.getHoldCount() > 1) {
            return new ItemLock(holder, thing);
        }
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock fileLock = channel.tryLock();
                if (fileLock == null) {
                    waiting.accept("waiting for another process that holds " + lockFile);
                    fileLock = channel.lock();
                }
                holder.channel = channel;
                holder.fileLock = fileLock;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            removeLeftovers(thing);
            return new ItemLock(holder, thing);
        } catch (IOException e) {
            release(holder);
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        } catch (RuntimeException | Error e) {
            release(holder);
            throw e;
        }
    }

    /**
     * Tells whether the current thread holds the lock of a thing.
     *
     * @param thing what {@link #acquire} was given
     * @return whether this thread holds it
     */
    public static boolean isHeldByCurrentThread(Path thing) {
        Holder holder = HOLDERS.get(lockFile(thing));
        return holder != null && holder.local.isHeldByCurrentThread();
    }

    /**
     * Returns the lock file of a thing: {@code <name>.lock} in the same directory.
     *
     * @param thing the thing
     * @return the lock file, as an absolute path with the directory's links resolved
     */
    public static Path lockFile(Path thing) {
        Path absolute = thing.toAbsolutePath().normalize();
        try {
            Path dir = Files.createDirectories(absolute.getParent()).toRealPath();
            return dir.resolve(absolute.getFileName() + ".lock");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + absolute.getParent(), e);
        }
    }

    /** Releases the lock; the file lock goes with the outermost hold of this thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release(holder);
    }

    private static void release(Holder holder) {
        try {
            if (holder.local.getHoldCount() == 1 && holder.channel != null) {
                try {
                    holder.channel.close(); // releases the file lock
                } catch (IOException ignored) {
                    // Closing a lock file cannot lose data; the kernel drops the lock with the descriptor.
                }
                holder.channel = null;
                holder.fileLock = null;
            }
        } finally {
            holder.local.unlock();
        }
    }

    /**
     * Deletes what writers killed while holding this lock left behind. Best effort: a leftover
     * that cannot be deleted only takes space, so it never fails the lock.
     */
    private static void removeLeftovers(Path thing) {
        try {
            removeLeftoversOrFail(thing);
        } catch (IOException | UncheckedIOException ignored) {
            // Tried again by the next holder.
        }
    }

    private static void removeLeftoversOrFail(Path thing) throws IOException {
        if (Files.isDirectory(thing)) {
            List<Path> leftovers;
            try (Stream<Path> walk = Files.walk(thing, 2)) {
                leftovers = walk.filter(p -> !p.equals(thing))
                        .filter(p -> AtomicFiles.isTemporary(p.getFileName().toString()))
                        .toList();
            }
            leftovers.forEach(AtomicFiles::deleteTree);
        } else {
            String prefix = "." + thing.getFileName() + ".";
            try (Stream<Path> siblings = Files.list(thing.toAbsolutePath().getParent())) {
                siblings.filter(p -> p.getFileName().toString().startsWith(prefix))
                        .filter(p -> AtomicFiles.isTemporary(p.getFileName().toString()))
                        .toList()
                        .forEach(AtomicFiles::deleteTree);
            }
        }
    }
}
