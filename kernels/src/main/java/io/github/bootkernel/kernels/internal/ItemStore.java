package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.FetchException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one way an item gets into the cache and out of it. A lookup asks the item's
 * {@link Recipe} for a cached entry; only when there is none (or it is not yet {@code current})
 * does it take the item's {@link ItemLock}, and then, holding it, looks again, produces the item
 * if it is still missing, points {@code current} at the result and releases the lock. So two
 * threads or processes that need the same missing item produce it once: the second finds the
 * first one's entry. Each JVM remembers what it resolved, by item directory. Items keyed by the
 * hash of their inputs keep no {@code current} pointer ({@link Recipe#tracksCurrent()}), so their
 * lookups never take the lock.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class ItemStore {

    /** System property that makes lookups skip the cache and ask the source again (apt, for example). */
    public static final String REFRESH_PROPERTY = "bootkernel.refresh";

    /** What this JVM resolved already, by item directory. */
    private static final Map<Path, CachedFile> RESOLVED = new ConcurrentHashMap<>();

    private ItemStore() {
    }

    /**
     * Returns an item, from this JVM's memo, else the cache, else produced into the cache.
     *
     * @param cacheRoot the cache root
     * @param id the item's id, also its directory name
     * @param recipe how to find and produce it
     * @param progress where progress lines go (a build's phases, a wait for another process)
     * @return the item
     * @throws FetchException if it is not cached and cannot be produced
     */
    public static CachedFile get(Path cacheRoot, String id, Recipe recipe, Consumer<String> progress) {
        Path dir = cacheRoot.resolve(id).toAbsolutePath().normalize();
        CachedFile known = RESOLVED.get(dir);
        if (known != null) {
            return known;
        }
        CachedFile resolved = resolve(cacheRoot, id, recipe, progress, Boolean.getBoolean(REFRESH_PROPERTY));
        CachedFile raced = RESOLVED.putIfAbsent(dir, resolved);
        return raced != null ? raced : resolved;
    }

    /**
     * Looks an item up in the cache and produces it when absent, without this JVM's memo.
     *
     * @param cacheRoot the cache root
     * @param id the item's id
     * @param recipe how to find and produce it
     * @param progress where progress lines go
     * @param refresh whether to skip the cached entries and produce (which may still find the
     *     version it resolves cached)
     * @return the item
     * @throws FetchException if it is not cached and cannot be produced
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public static CachedFile resolve(Path cacheRoot, String id, Recipe recipe, Consumer<String> progress,
                                     boolean refresh) {
        CacheEntries entries = new CacheEntries(cacheRoot, id);
        if (!refresh) {
            Optional<CacheEntries.Entry> cached = recipe.cached(entries);
            if (cached.isPresent() && (!recipe.tracksCurrent() || entries.isCurrent(cached.get()))) {
                return describe(id, recipe, cached.get());
            }
        }
        try (ItemLock lock = entries.lock(progress)) {
            Optional<CacheEntries.Entry> cached = refresh ? Optional.empty() : recipe.cached(entries);
            CacheEntries.Entry entry = cached.isPresent() ? cached.get() : recipe.produce(entries, progress, refresh);
            if (recipe.tracksCurrent() && !entries.isCurrent(entry)) {
                entries.makeCurrent(entry);
            }
            return describe(id, recipe, entry);
        }
    }

    /**
     * Returns the kernel configuration kept with a cached item, adding it to an entry stored
     * without one when the recipe can.
     *
     * @param cacheRoot the cache root
     * @param file the item, as {@link #get} returned it
     * @param recipe how it is produced
     * @param progress where progress lines go
     * @return the configuration file, or empty for an item that has none
     * @throws FetchException if the entry lacks its configuration and it cannot be fetched now
     */
    public static Optional<Path> config(Path cacheRoot, CachedFile file, Recipe recipe, Consumer<String> progress) {
        CacheEntries entries = new CacheEntries(cacheRoot, file.id());
        Path dir = file.path().getParent();
        Optional<CacheEntries.Entry> entry = dir == null ? Optional.empty() : CacheEntries.read(dir);
        if (entry.isEmpty()) {
            throw new FetchException("the cache entry of " + file.id() + " at " + dir + " is gone or damaged; "
                    + "it was there when this JVM first looked it up");
        }
        return recipe.config(entries, entry.get(), progress);
    }

    private static CachedFile describe(String id, Recipe recipe, CacheEntries.Entry entry) {
        return new CachedFile(id, entry.file(), entry.get("version"), recipe.origin(entry));
    }
}
