package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;

/**
 * Debian's stock x86-64 kernels, taken from the Debian archive and kept in the local cache.
 *
 * <p>The first call on a machine resolves the package the meta package currently depends on
 * ({@code apt-cache depends linux-image-cloud-amd64} gives {@code linux-image-<abi>-cloud-amd64}),
 * downloads its {@code -unsigned} variant (or the signed one when there is none) with
 * {@code apt-get download}, which checks the archive's signatures and hashes, unpacks it with
 * {@code dpkg -x} in a temporary directory (nothing is installed) and stores
 * {@code boot/vmlinuz-*} as {@code ~/.cache/bootkernel/<id>/<version>/vmlinuz} with a
 * {@code record.properties} (package, version, SHA-256, size, fetch date, source). If apt knows no
 * such package, the package lists are refreshed with {@code apt-get update} when running as root;
 * otherwise the error says to run it.
 *
 * <p>Later calls use the cache alone (the version named by the {@code current} file, or else the
 * newest one fetched), with no apt call and no network, after checking the file against the
 * recorded SHA-256. Set the system property {@code bootkernel.refresh=true} to ask apt for the
 * current version again; delete the cache directory to start over.
 *
 * <pre>{@code
 * KernelImage kernel = DebianKernels.cloud();
 * // kernel.path() -> ~/.cache/bootkernel/debian-cloud/6.1.192-2/vmlinuz
 * }</pre>
 */
public final class DebianKernels {

    private DebianKernels() {
    }

    /**
     * Returns Debian's cloud kernel ({@code linux-image-cloud-amd64}): small, virtio built in,
     * no {@code /dev/port}. Its id is {@code debian-cloud}.
     *
     * @return the cached kernel image
     * @throws FetchException if it is not cached and cannot be fetched
     */
    public static KernelImage cloud() {
        return get("debian-cloud", "Debian cloud kernel", "linux-image-cloud-amd64");
    }

    /**
     * Returns Debian's generic kernel ({@code linux-image-amd64}): {@code CONFIG_DEVPORT=y}, 9p,
     * most drivers as modules. Its id is {@code debian-generic}.
     *
     * @return the cached kernel image
     * @throws FetchException if it is not cached and cannot be fetched
     */
    public static KernelImage generic() {
        return get("debian-generic", "Debian generic kernel", "linux-image-amd64");
    }

    private static KernelImage get(String id, String what, String metaPackage) {
        CacheEntries.Entry entry = DebianPackages.get(new DebianPackages.Spec(id, what, metaPackage,
                "linux-image-", true, "boot/vmlinuz-.*", "vmlinuz", FileChecks::requireBzImage));
        return new KernelImage(id, entry.file(), entry.get("version"), origin(entry));
    }

    /**
     * Describes a cache entry's origin in one line.
     *
     * @param entry a cache entry of a Debian package
     * @return for example {@code "Debian archive via apt-get download: linux-image-... 6.1.192-2,
     *     boot/vmlinuz-..., sha256 ab12..."}
     */
    static String origin(CacheEntries.Entry entry) {
        return entry.get("source") + ": " + entry.get("package") + " " + entry.get("version") + ", "
                + entry.get("pathInPackage") + ", sha256 " + entry.get("sha256");
    }
}
