package io.github.bootkernel.junit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Run by {@link SnapshotCacheTest} in a JVM of its own: takes the {@link EntryLock} of the file
 * named by its argument, prints {@code held}, and keeps it until its standard input ends.
 */
public final class EntryLockJvm {

    private EntryLockJvm() {
    }

    /** @param args the lock file */
    public static void main(String[] args) throws Exception {
        Optional<EntryLock> lock = EntryLock.acquire(Path.of(args[0]), Duration.ofSeconds(30));
        if (lock.isEmpty()) {
            System.out.println("not held");
            return;
        }
        try {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes the pipe
            }
        } finally {
            lock.get().close();
        }
        System.out.println("released");
    }
}
