package io.github.bootkernel.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Run by {@link SnapshotCacheTest} in a JVM of its own: takes the {@link EntryLock} of the file
 * named by its first argument, prints {@code held}, keeps it until the file named by its second
 * argument exists (at most a minute), then prints {@code released}. No pipes: the parent reads
 * this JVM's output from a file.
 */
public final class EntryLockJvm {

    private EntryLockJvm() {
    }

    /** @param args the lock file, the file whose creation releases it */
    public static void main(String[] args) throws Exception {
        Optional<EntryLock> lock = EntryLock.acquire(Path.of(args[0]), Duration.ofSeconds(30));
        if (lock.isEmpty()) {
            System.out.println("not held");
            return;
        }
        Path release = Path.of(args[1]);
        try {
            System.out.println("held");
            System.out.flush();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!Files.exists(release) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            lock.get().close();
        }
        System.out.println("released");
    }
}
