package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.KernelImage;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Small kernels built on this machine from Debian's {@code linux-source-6.1} package with
 * {@code make tinyconfig} plus a config fragment shipped in this jar, about 1 MB each:
 *
 * <ul>
 *   <li>{@value #TINY}: {@code tiny.config} &mdash; 64-bit, serial console on the 16550 at
 *       0x3f8, initramfs (gzip), ELF and {@code #!} binaries, proc, sysfs, devtmpfs, KVM guest
 *       support, ACPI and {@code ioperm} (for the exit-status helper);</li>
 *   <li>{@value #KUNIT}: the same plus {@code tiny-kunit.config}, KUnit with all its built-in
 *       tests, which print KTAP results ({@code KTAP version 1}) on the console at boot. With
 *       {@code quiet} on the command line, add {@code loglevel=7} after it to see them.</li>
 * </ul>
 *
 * <p>The first call on a machine builds the kernel, which takes a few minutes and prints a
 * progress line (phase and elapsed time) every 15 seconds. It needs {@code make gcc flex bison bc
 * libelf-dev} (installed with apt-get when running as root, otherwise the error says what to
 * install) and takes the source from the installed {@code linux-source-6.1} package or else
 * downloads it with {@code apt-get download} (nothing is installed). The image is stored as
 * {@code ~/.cache/bootkernel/<id>/<source version>_<config hash>/bzImage}, next to a
 * {@code record.properties}, the final {@code config} and the {@code build.log}. The config hash
 * covers the fragments and the build steps, so editing a fragment leads to a new build.
 *
 * <p>Later calls use the cache alone (the {@code current} build if it has this configuration,
 * else the newest build that has it), with no apt, no compiler and no network. Set the system
 * property {@code bootkernel.refresh=true} to ask apt for the current source version again.
 *
 * <pre>{@code
 * KernelImage kernel = TinyKernels.tiny();
 * // kernel.path() -> ~/.cache/bootkernel/tiny/6.1.192-2_0123456789abcdef/bzImage
 * }</pre>
 */
public final class TinyKernels {

    /** The id of the tiny kernel. */
    public static final String TINY = "tiny";

    /** The id of the tiny kernel with KUnit's built-in tests. */
    public static final String KUNIT = "tiny-kunit";

    /** The ids this class builds, in the order of their fragments. */
    public static final List<String> IDS = List.of(TINY, KUNIT);

    private static final Map<String, String[]> FRAGMENTS = Map.of(
            TINY, new String[] {"tiny.config"},
            KUNIT, new String[] {"tiny.config", "tiny-kunit.config"});

    /** Serializes builds within this JVM; the lock file serializes them across processes. */
    private static final Object LOCK = new Object();

    /** Images already looked up in this JVM, by cache directory. */
    private static final Map<Path, KernelImage> RESOLVED = new ConcurrentHashMap<>();

    private TinyKernels() {
    }

    /**
     * Returns the tiny kernel, building it on the first use on this machine.
     *
     * @return the cached image; its version is the linux-source-6.1 package version
     * @throws FetchException if it is not cached and cannot be built
     */
    public static KernelImage tiny() {
        return get(TINY);
    }

    /**
     * Returns the tiny kernel with KUnit's built-in tests, building it on the first use.
     *
     * @return the cached image; its version is the linux-source-6.1 package version
     * @throws FetchException if it is not cached and cannot be built
     */
    public static KernelImage kunit() {
        return get(KUNIT);
    }

    /**
     * Returns a tiny kernel by id, reporting build progress on standard output.
     *
     * @param id {@value #TINY} or {@value #KUNIT}
     * @return the cached image
     * @throws IllegalArgumentException if the id is not one of {@link #IDS}
     * @throws FetchException if it is not cached and cannot be built
     */
    public static KernelImage get(String id) {
        return get(id, System.out::println);
    }

    /**
     * Returns a tiny kernel by id, reporting build progress to a consumer.
     *
     * @param id {@value #TINY} or {@value #KUNIT}
     * @param progress receives one line per phase and one every 15 seconds while a build runs,
     *     for example {@code "tiny: compiling... 45 s"}; nothing when the image is cached
     * @return the cached image
     * @throws IllegalArgumentException if the id is not one of {@link #IDS}
     * @throws FetchException if it is not cached and cannot be built
     */
    public static KernelImage get(String id, Consumer<String> progress) {
        TinyRecipe recipe = recipe(id);
        Path root = Cache.root();
        return RESOLVED.computeIfAbsent(root.resolve(id),
                dir -> resolve(recipe, root, progress, Boolean.getBoolean("bootkernel.refresh")));
    }

    /**
     * Returns the recipe of an id.
     *
     * @param id the id
     * @return its fragments loaded from this jar
     * @throws IllegalArgumentException if the id is unknown
     */
    static TinyRecipe recipe(String id) {
        String[] fragments = FRAGMENTS.get(id);
        if (fragments == null) {
            throw new IllegalArgumentException("unknown tiny kernel id '" + id + "'; known: " + IDS);
        }
        return TinyRecipe.of(id, fragments);
    }

    /**
     * Looks the recipe up in a cache and builds it when absent, without this JVM's memo.
     *
     * @param recipe what to build
     * @param cacheRoot the cache root, normally {@link Cache#root()}
     * @param progress where progress lines go
     * @param refresh whether to ask apt for the source version even when a build is cached
     * @return the image
     */
    static KernelImage resolve(TinyRecipe recipe, Path cacheRoot, Consumer<String> progress, boolean refresh) {
        CacheEntries cache = new CacheEntries(cacheRoot, recipe.id());
        if (!refresh) {
            Optional<CacheEntries.Entry> cached = cached(cache, recipe);
            if (cached.isPresent()) {
                return image(recipe, cached.get());
            }
        }
        Path work = createDirectories(cacheRoot.resolve(TinyBuild.WORK_DIR));
        synchronized (LOCK) {
            // Closing the channel releases the lock.
            try (FileChannel channel = FileChannel.open(work.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                lockOrWait(channel, recipe.id(), work, progress);
                if (!refresh) {
                    // Another process may have built it while this one waited for the lock.
                    Optional<CacheEntries.Entry> cached = cached(cache, recipe);
                    if (cached.isPresent()) {
                        return image(recipe, cached.get());
                    }
                }
                return image(recipe, new TinyBuild(recipe, cache, work, progress).run());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + work.resolve(".lock"), e);
            }
        }
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

    private static KernelImage image(TinyRecipe recipe, CacheEntries.Entry entry) {
        return new KernelImage(recipe.id(), entry.file(), entry.get("version"), entry.get("source") + " ("
                + "kernel " + entry.get("kernelRelease") + ", " + entry.get("compiler") + "), sha256 "
                + entry.get("sha256"));
    }

    private static void lockOrWait(FileChannel channel, String id, Path work, Consumer<String> progress)
            throws IOException {
        FileLock lock = channel.tryLock();
        if (lock == null) {
            progress.accept(id + ": waiting for another process that is building in " + work);
            channel.lock();
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
