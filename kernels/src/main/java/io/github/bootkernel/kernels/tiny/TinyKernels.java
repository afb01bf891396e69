package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.CachedFile;
import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;
import io.github.bootkernel.kernels.internal.ItemLock;
import io.github.bootkernel.kernels.internal.ItemStore;
import io.github.bootkernel.kernels.internal.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How the catalog's tiny kernels are produced: small kernels built on this machine from Debian's
 * {@code linux-source-6.1} package with {@code make tinyconfig} plus config fragments shipped in
 * this jar, about 1 MB each ({@code tiny.config}: 64-bit, serial console on the 16550 at 0x3f8,
 * initramfs (gzip), ELF and {@code #!} binaries, proc, sysfs, devtmpfs, KVM guest support and
 * {@code ioperm} for the exit-status helper; {@code tiny-kunit.config} adds KUnit with all its
 * built-in tests, which print KTAP results ({@code KTAP version 1}) on the console at boot).
 *
 * <p>The first lookup on a machine builds the kernel, which takes a few minutes and prints a
 * progress line (phase and elapsed time) every 15 seconds. It needs {@code make gcc flex bison bc
 * libelf-dev} (installed with apt-get when running as root, otherwise the error says what to
 * install) and takes the source from the installed {@code linux-source-6.1} package or else
 * downloads it with {@code apt-get download} (nothing is installed). The image is stored as
 * {@code ~/.cache/bootkernel/<id>/<source version>_<config hash>/bzImage}, next to a
 * {@code record.properties}, the final {@code config} and the {@code build.log}. The config hash
 * covers the fragments and the build steps, so editing a fragment leads to a new build.
 *
 * <p>Later lookups use the cache alone (the {@code current} build if it has this configuration,
 * else the newest build that has it), with no apt, no compiler and no network. Set the system
 * property {@code bootkernel.refresh=true} to ask apt for the current source version again.
 */
public final class TinyKernels implements Recipe {

    /** The catalog's tiny kernels, by id, in catalog order. */
    private static final Map<String, TinyKernels> KNOWN = Collections.synchronizedMap(new LinkedHashMap<>());

    private final String id;
    private final List<String> fragments;

    private TinyKernels(String id, List<String> fragments) {
        this.id = id;
        this.fragments = List.copyOf(fragments);
    }

    /**
     * Returns the recipe of a tiny kernel for the catalog.
     *
     * @param id the catalog item's id; it names the build log and output directory
     * @param fragments the config fragments, resources next to this class, applied in order
     * @return the recipe
     */
    public static Recipe recipe(String id, String... fragments) {
        TinyKernels kernel = new TinyKernels(id, List.of(fragments));
        KNOWN.put(id, kernel);
        return kernel;
    }

    /**
     * Returns what the catalog's tiny kernel of an id is built from.
     *
     * @param id the id
     * @return its fragments loaded from this jar
     * @throws IllegalArgumentException if the catalog has no tiny kernel of that id
     */
    static TinyRecipe recipe(String id) {
        Catalog.items(); // the catalog registers its tiny kernels when it is loaded
        TinyKernels kernel = KNOWN.get(id);
        if (kernel == null) {
            throw new IllegalArgumentException("unknown tiny kernel id '" + id + "'; known: " + KNOWN.keySet());
        }
        return kernel.recipe();
    }

    /**
     * Looks the recipe up in a cache and builds it when absent, without this JVM's memo.
     *
     * @param recipe what to build
     * @param cacheRoot the cache root
     * @param progress where progress lines go
     * @param refresh whether to ask apt for the source version even when a build is cached
     * @return the image
     */
    static CachedFile resolve(TinyRecipe recipe, Path cacheRoot, Consumer<String> progress, boolean refresh) {
        List<String> names = recipe.fragments().stream().map(ConfigFragment::name).toList();
        return ItemStore.resolve(cacheRoot, recipe.id(), new TinyKernels(recipe.id(), names), progress, refresh);
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        return cached(entries, recipe());
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        TinyRecipe recipe = recipe();
        Path work = entries.root().resolveSibling(TinyBuild.WORK_DIR);
        // The work directory (source tree, output directories) is shared by all tiny kernels.
        try (ItemLock lock = ItemLock.acquire(work, line -> progress.accept(recipe.id() + ": " + line))) {
            return new TinyBuild(recipe, entries, lock.thing(), progress).run();
        }
    }

    @Override
    public String origin(CacheEntries.Entry entry) {
        return entry.get("source") + " (kernel " + entry.get("kernelRelease") + ", " + entry.get("compiler")
                + "), sha256 " + entry.get("sha256");
    }

    /** The build's final {@code .config}, which every build stores beside its image. */
    @Override
    public Optional<Path> config(CacheEntries entries, CacheEntries.Entry entry, Consumer<String> progress) {
        return Optional.of(entry.dir().resolve(CONFIG)).filter(Files::isRegularFile);
    }

    private TinyRecipe recipe() {
        return TinyRecipe.of(id, fragments.toArray(String[]::new));
    }

    /**
     * Finds a cached build of this configuration: the {@code current} one if it matches, else the
     * newest that does, which then becomes {@code current}.
     *
     * @param cache the id's entries
     * @param recipe the recipe
     * @return the entry, or empty
     */
    static Optional<CacheEntries.Entry> cached(CacheEntries cache, TinyRecipe recipe) {
        String hash = recipe.configHash();
        Predicate<CacheEntries.Entry> matches = entry -> entry.get("configHash").equals(hash)
                && FileChecks.isBzImage(entry.file());
        Optional<CacheEntries.Entry> current = cache.current().filter(matches);
        if (current.isPresent()) {
            return current;
        }
        Optional<CacheEntries.Entry> newest = cache.newest(matches);
        newest.ifPresent(cache::makeCurrent);
        return newest;
    }
}
