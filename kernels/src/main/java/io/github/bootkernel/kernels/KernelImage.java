package io.github.bootkernel.kernels;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A Linux kernel image (bzImage) in the local cache, ready to boot.
 *
 * @param id the kernel's short name, for test ids and messages, for example {@code debian-cloud}
 * @param path the bzImage file
 * @param version the version it was taken from, for example the Debian package version
 *     {@code 6.1.192-2}
 * @param origin where it came from, in words: source, package, version and SHA-256
 */
public record KernelImage(String id, Path path, String version, String origin) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param id the kernel's short name
     * @param path the bzImage file
     * @param version the version
     * @param origin where it came from
     */
    public KernelImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(origin, "origin");
    }
}
