package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stable names for the newest prepared items: {@code ~/.cache/bootkernel/latest/<id>} is a
 * symbolic link to the item's cached file, so people and scripts can name "the Debian cloud
 * kernel" without knowing its version ({@code --kernel ~/.cache/bootkernel/latest/debian-cloud}).
 */
public final class LatestLinks {

    private LatestLinks() {
    }

    /**
     * Points {@code latest/<id>} at a prepared file, replacing an older link atomically.
     *
     * @param file the prepared item
     * @return the link
     */
    public static Path update(CachedFile file) {
        Path dir = Cache.dir("latest");
        Path link = dir.resolve(file.id());
        Path temp = dir.resolve("." + file.id() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createSymbolicLink(temp, file.path().toAbsolutePath());
            Files.move(temp, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to " + file.path(), e);
        }
    }
}
