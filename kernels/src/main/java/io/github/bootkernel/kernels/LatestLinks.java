package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.ItemLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Stable names for the newest prepared items: {@code ~/.cache/bootkernel/latest/<id>} is a
 * symbolic link to the item's cached file, so people and scripts can name "the Debian cloud
 * kernel" without knowing its version ({@code --kernel ~/.cache/bootkernel/latest/debian-cloud}).
 * Links are replaced atomically under the lock of {@code latest/} ({@code latest.lock}).
 */
final class LatestLinks {

    private LatestLinks() {
    }

    /**
     * Points {@code latest/<id>} at a prepared file, replacing an older link atomically.
     *
     * @param file the prepared item
     * @return the link
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    static Path update(CachedFile file) {
        Path dir = Cache.dir("latest");
        Path link = dir.resolve(file.id());
        try (ItemLock lock = ItemLock.acquire(dir, line -> { })) {
            AtomicFiles.link(link, file.path().toAbsolutePath());
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to " + file.path(), e);
        }
    }
}
