package io.github.bootkernel.kernels;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file in the local cache, ready to use: a kernel image (bzImage), an initramfs, or a helper
 * file such as the static busybox binary. {@link CatalogItem#get()} returns one, and so does
 * {@link KernelIndex#lookup}.
 *
 * @param id the item's short name, for test ids and messages, for example {@code debian-cloud}
 * @param path the file
 * @param version the version it was taken from: a Debian package version such as
 *     {@code 6.1.192-2}, or for files made here the hash of their inputs
 * @param origin where it came from, in words: source, package, version and SHA-256
 */
public record CachedFile(String id, Path path, String version, String origin) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param id the item's short name
     * @param path the file
     * @param version the version
     * @param origin where it came from
     */
    public CachedFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(origin, "origin");
    }
}
