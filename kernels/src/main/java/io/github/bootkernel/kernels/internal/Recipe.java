package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one item of the catalog is found in the cache and produced when it is not there: the part
 * of an item that differs between a Debian package, a compiled helper, a built kernel, the probe
 * and a packed initramfs. {@link ItemStore} does the rest the same way for all of them (this
 * JVM's memo, the item's lock, the {@code current} pointer), as Testcontainers' image pull path
 * splits the pull policy from the local image cache.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public interface Recipe {

    /** The name of a kernel's configuration in its cache entry. */
    String CONFIG = "config";

    /**
     * Finds the entry to use in the cache, without fetching or building anything; called without
     * the item's lock first, and again under it before {@link #produce}.
     *
     * @param entries the item's entries
     * @return the entry, or empty when the item must be produced
     * @throws FetchException if a cached entry is there but unusable in a way a new fetch would not fix
     */
    Optional<CacheEntries.Entry> cached(CacheEntries entries);

    /**
     * Fetches or builds the item and stores it, with the item's lock held. May return an entry
     * that turns out to be cached already (for example the version apt names).
     *
     * @param entries the item's entries
     * @param progress where progress lines go
     * @param refresh whether the cache was skipped on purpose ({@code bootkernel.refresh=true})
     * @return the stored entry
     * @throws FetchException if it cannot be fetched or built
     */
    CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh);

    /**
     * Describes where an entry came from, in one line, for {@link io.github.bootkernel.kernels.CachedFile#origin()}.
     *
     * @param entry an entry of this item
     * @return by default the recorded {@code source} and the SHA-256, for example
     *     {@code "built with binutils from probe.S and probe.ld (...), sha256 ab12..."}
     */
    default String origin(CacheEntries.Entry entry) {
        return entry.get("source") + ", sha256 " + entry.get("sha256");
    }

    /**
     * Returns the kernel configuration kept in a kernel's entry ({@value #CONFIG}), adding it first
     * when the recipe can and the entry was stored without one (by an earlier version of this module).
     *
     * @param entries the item's entries
     * @param entry an entry of this item
     * @param progress where progress lines go
     * @return the configuration file, or empty for items that have none (everything but Linux kernels)
     * @throws FetchException if the entry lacks its configuration and it cannot be fetched now
     */
    default Optional<Path> config(CacheEntries entries, CacheEntries.Entry entry,
                                  Consumer<String> progress) {
        return Optional.empty();
    }

    /**
     * Tells whether the item keeps a {@code current} pointer: true for items whose version comes
     * from outside (apt's candidate), false for items keyed by the hash of their inputs, where
     * the key alone names the entry.
     *
     * @return whether {@link ItemStore} points {@code current} at the entry it resolves
     */
    default boolean tracksCurrent() {
        return true;
    }
}
