package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;

/**
 * Debian's statically linked busybox ({@code busybox-static}), taken from the Debian archive and
 * kept in the local cache, for initramfs images.
 *
 * <p>Fetched like {@link DebianKernels}: {@code apt-get download busybox-static} and
 * {@code dpkg -x} into a temporary directory (nothing is installed on the host), then
 * {@code bin/busybox} is checked to be a static x86-64 executable and stored as
 * {@code ~/.cache/bootkernel/busybox-static/<version>/busybox}. Later calls use the cache alone.
 */
public final class Busybox {

    /** The cache id and Debian package name. */
    public static final String ID = "busybox-static";

    private Busybox() {
    }

    /**
     * Returns the cached static busybox binary, fetching it on the first use.
     *
     * @return the binary; its version is the Debian package version
     * @throws FetchException if it is not cached and cannot be fetched
     */
    public static CachedFile staticBinary() {
        CacheEntries.Entry entry = DebianPackages.get(new DebianPackages.Spec(ID, "static busybox", null,
                ID, false, "bin/busybox", "busybox", FileChecks::requireStaticElf));
        return new CachedFile(ID, entry.file(), entry.get("version"), DebianKernels.origin(entry));
    }
}
