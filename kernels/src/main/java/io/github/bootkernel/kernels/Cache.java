package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-machine cache of built and fetched images, {@code ~/.cache/bootkernel} by default.
 *
 * <p>The location can be moved with the system property {@code bootkernel.cache} or the
 * environment variable {@code BOOTKERNEL_CACHE}.
 */
public final class Cache {

    private Cache() {
    }

    /**
     * Returns the cache root, creating it if needed.
     *
     * @return the cache directory
     */
    public static Path root() {
        String configured = System.getProperty("bootkernel.cache");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("BOOTKERNEL_CACHE");
        }
        Path root = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "bootkernel")
                : Path.of(configured);
        try {
            return Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the bootkernel cache " + root, e);
        }
    }

    /**
     * Returns a directory inside the cache, creating it if needed.
     *
     * @param name the entry's name, for example {@code debian-cloud}
     * @return the directory
     */
    static Path dir(String name) {
        try {
            return Files.createDirectories(root().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root().resolve(name), e);
        }
    }
}
