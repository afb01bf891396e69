package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.ItemStore;
import io.github.bootkernel.kernels.internal.Recipe;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One entry of the {@link Catalog}: an id, what kind of file it is, a one-line description, and
 * how to produce it. {@link #get()} returns the cached file, fetching or building it on the first
 * use on a machine (under a lock, so parallel JVMs produce it once).
 */
public final class CatalogItem {

    /** What an item is for. */
    public enum Kind {
        /** A bzImage to boot: {@code @BootKernel(kernel = ...)}, {@code --kernel}. */
        KERNEL,
        /** A newc cpio archive to boot with a kernel: {@code @BootKernel(initramfs = ...)}, {@code --initrd}. */
        INITRAMFS,
        /** A file that goes into initramfs images, for example the static busybox. */
        HELPER_FILE;

        /**
         * Names the kind in words.
         *
         * @return {@code "kernel"}, {@code "initramfs"} or {@code "helper file"}
         */
        public String words() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final String id;
    private final Kind kind;
    private final String description;
    private final List<String> aliases;
    private final boolean preparedByDefault;
    private final Recipe recipe;

    CatalogItem(String id, Kind kind, String description, List<String> aliases, boolean preparedByDefault,
                Function<String, Recipe> recipe) {
        for (String name : concat(id, aliases)) {
            if (!ID.matcher(name).matches()) {
                throw new IllegalArgumentException("not an item id: '" + name + "'");
            }
        }
        this.id = id;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.description = Objects.requireNonNull(description, "description");
        this.aliases = List.copyOf(aliases);
        this.preparedByDefault = preparedByDefault;
        this.recipe = Objects.requireNonNull(recipe.apply(id), "recipe");
    }

    /**
     * Returns the id: the item's directory in the cache, its name in {@code latest/} and in the
     * index, and what {@code @BootKernel} and {@link Prepare} accept.
     *
     * @return for example {@code debian-cloud}
     */
    public String id() {
        return id;
    }

    /**
     * Returns what kind of file the item is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Describes the item in one line, as the READMEs do.
     *
     * @return the description, without a final period
     */
    public String description() {
        return description;
    }

    /**
     * Returns other names that mean this item, for example {@code busybox} for
     * {@code busybox-initramfs}.
     *
     * @return the aliases, often none
     */
    public List<String> aliases() {
        return aliases;
    }

    /**
     * Returns the id and the aliases.
     *
     * @return every name of the item, the id first
     */
    public List<String> names() {
        return concat(id, aliases);
    }

    /**
     * Tells whether {@link Prepare} fills the cache with this item when it is given no ids.
     *
     * @return whether it does
     */
    public boolean preparedByDefault() {
        return preparedByDefault;
    }

    /**
     * Returns the item from the cache, fetching or building it first if the cache has none;
     * progress lines (a build's phases, a wait for another process) go to standard output.
     *
     * @return the cached file
     * @throws FetchException if it is not cached and cannot be fetched or built
     */
    public CachedFile get() {
        return get(System.out::println);
    }

    /**
     * Returns the item from the cache, fetching or building it first if the cache has none.
     *
     * @param progress receives progress lines, for example {@code "tiny: compiling... 45 s"};
     *     nothing when the item is cached
     * @return the cached file
     * @throws FetchException if it is not cached and cannot be fetched or built
     */
    public CachedFile get(Consumer<String> progress) {
        return ItemStore.get(Cache.root(), id, recipe, progress);
    }

    /**
     * Returns the configuration the item's kernel was built with, kept beside it in the cache
     * ({@code config}: a Debian package's {@code /boot/config-<version>}, a tiny build's final
     * {@code .config}); fetches or builds the kernel first if the cache has none. A Debian kernel
     * cached before configurations were kept gets its configuration now, from its package
     * downloaded again. Progress lines go to standard output.
     *
     * @return the configuration, or empty for an item without one (the probe, which is not Linux,
     *     and items that are not kernels)
     * @throws FetchException if the kernel or its configuration is not cached and cannot be
     *     fetched or built
     * @throws IllegalArgumentException if the kept file is not a kernel configuration
     */
    public Optional<KernelConfig> config() {
        return config(System.out::println);
    }

    /**
     * Returns the configuration the item's kernel was built with, as {@link #config()} does.
     *
     * @param progress receives progress lines; nothing when the item and its configuration are cached
     * @return the configuration, or empty for an item without one
     * @throws FetchException if the kernel or its configuration is not cached and cannot be
     *     fetched or built
     * @throws IllegalArgumentException if the kept file is not a kernel configuration
     */
    public Optional<KernelConfig> config(Consumer<String> progress) {
        if (kind != Kind.KERNEL) {
            return Optional.empty();
        }
        return ItemStore.config(Cache.root(), get(progress), recipe, progress).map(KernelConfig::read);
    }

    @Override
    public String toString() {
        return id + " (" + kind.words() + ")";
    }

    private static List<String> concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
    }
}
