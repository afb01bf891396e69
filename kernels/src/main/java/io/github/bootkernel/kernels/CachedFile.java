package io.github.bootkernel.kernels;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file other than a kernel in the local cache, for example the static busybox binary or the
 * exit-status helper.
 *
 * @param id the item's short name, for example {@code busybox-static}
 * @param path the file
 * @param version the version it was taken from: a Debian package version, or for files built
 *     here the hash of their inputs
 * @param origin where it came from, in words
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
