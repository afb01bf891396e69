package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.internal.CacheEntries;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one tiny kernel id is built from: {@code make tinyconfig}, then its config fragments
 * appended to {@code .config} in order, then {@code make olddefconfig} and {@code make bzImage}.
 *
 * @param id the kernel id, also its cache directory, for example {@code tiny}
 * @param fragments the fragments, later ones overriding earlier ones
 */
record TinyRecipe(String id, List<ConfigFragment> fragments) {

    /**
     * The build steps, hashed into every cache key: change this text when the steps change, so
     * that images built the old way are not taken for new ones.
     */
    static final String STEPS = "make tinyconfig; append fragments to .config; make olddefconfig; "
            + "check fragments hold; make bzImage; v1";

    /**
     * Checks the components and copies the list.
     *
     * @param id the kernel id
     * @param fragments the fragments
     */
    TinyRecipe {
        Objects.requireNonNull(id, "id");
        fragments = List.copyOf(fragments);
        if (fragments.isEmpty()) {
            throw new IllegalArgumentException("a tiny kernel needs at least one config fragment");
        }
    }

    /**
     * Makes a recipe from fragments shipped as resources next to this class.
     *
     * @param id the kernel id
     * @param resources the fragments' file names, for example {@code tiny.config}
     * @return the recipe
     */
    static TinyRecipe of(String id, String... resources) {
        return new TinyRecipe(id, List.of(resources).stream().map(ConfigFragment::resource).toList());
    }

    /**
     * Returns the options the fragments request, merged.
     *
     * @return symbol (without {@code CONFIG_}) to value
     */
    Map<String, String> wanted() {
        return ConfigFragment.merge(fragments);
    }

    /**
     * Returns the hash of the build steps and of each fragment's name and options, fragments in
     * order: the part of the cache key that changes whenever the configuration does. Comments,
     * blank lines and the order of lines within a fragment do not count, so editing them does not
     * cause a rebuild.
     *
     * @return 16 hex digits
     */
    String configHash() {
        StringBuilder input = new StringBuilder(STEPS).append('\n');
        for (ConfigFragment fragment : fragments) {
            input.append("--- ").append(fragment.name()).append('\n');
            // Sorted: a fragment sets each option once, so its order does not matter.
            new TreeMap<>(fragment.values()).forEach((symbol, value) ->
                    input.append("CONFIG_").append(symbol).append('=').append(value).append('\n'));
        }
        return CacheEntries.sha256(input.toString()).substring(0, 16);
    }

    /**
     * Returns the cache key of a build from a source version.
     *
     * @param sourceVersion the linux-source package version
     * @return the entry's directory name, for example {@code 6.1.192-2_0123456789abcdef}
     */
    String key(String sourceVersion) {
        return CacheEntries.dirName(sourceVersion + "_" + configHash());
    }

    /**
     * Names the fragments for messages and records.
     *
     * @return for example {@code tiny.config + tiny-kunit.config}
     */
    String fragmentNames() {
        return fragments.stream().map(ConfigFragment::name).collect(Collectors.joining(" + "));
    }

    /**
     * Returns the text appended to the {@code .config} that {@code make tinyconfig} wrote.
     *
     * @return the fragments, each after a comment naming it
     */
    String appendix() {
        StringBuilder text = new StringBuilder();
        for (ConfigFragment fragment : fragments) {
            text.append("\n# --- bootkernel: ").append(fragment.name()).append('\n').append(fragment.text());
            if (!fragment.text().endsWith("\n")) {
                text.append('\n');
            }
        }
        return text.toString();
    }
}
