package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.KernelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kconfig fragment in {@code .config} syntax: {@code CONFIG_FOO=y}, {@code CONFIG_BAR=4},
 * {@code CONFIG_BAZ="text"} or {@code # CONFIG_QUX is not set}; other lines starting with
 * {@code #} are comments, blank lines are ignored. The same parser reads the final
 * {@code .config} of a build ({@link KernelConfig} parses both), so that {@link #unmet} can tell which requested options Kconfig
 * dropped (an unmet dependency or a misspelt name) instead of letting the build silently produce a
 * different kernel.
 */
final class ConfigFragment {

    private final String name;
    private final String text;
    private final Map<String, String> values;

    private ConfigFragment(String name, String text, Map<String, String> values) {
        this.name = name;
        this.text = text;
        this.values = values;
    }

    /**
     * Parses a fragment.
     *
     * @param name the fragment's name for messages, for example {@code tiny.config}
     * @param text its text
     * @return the fragment
     * @throws IllegalArgumentException naming the file and line of the first malformed line or
     *     of an option set twice
     */
    static ConfigFragment parse(String name, String text) {
        return new ConfigFragment(name, text, KernelConfig.parse(name, text).values());
    }

    /**
     * Loads and parses a fragment shipped as a resource next to this class.
     *
     * @param resource the resource's file name, for example {@code tiny.config}
     * @return the fragment
     * @throws IllegalStateException if the resource is missing
     */
    static ConfigFragment resource(String resource) {
        try (InputStream in = ConfigFragment.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the config fragment " + resource + " is missing next to "
                        + ConfigFragment.class.getName() + "; the kernels jar was built incompletely");
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config fragment " + resource, e);
        }
    }

    /**
     * Returns the fragment's name.
     *
     * @return for example {@code tiny.config}
     */
    String name() {
        return name;
    }

    /**
     * Returns the fragment's text as written.
     *
     * @return the text
     */
    String text() {
        return text;
    }

    /**
     * Returns the options the fragment sets, in order, without the {@code CONFIG_} prefix;
     * {@code # CONFIG_X is not set} appears as the value {@code n}.
     *
     * @return symbol to value
     */
    Map<String, String> values() {
        return values;
    }

    /**
     * Merges fragments the way appending them to a {@code .config} does: a later value wins.
     *
     * @param fragments the fragments in order
     * @return symbol to value
     */
    static Map<String, String> merge(List<ConfigFragment> fragments) {
        Map<String, String> merged = new LinkedHashMap<>();
        fragments.forEach(fragment -> merged.putAll(fragment.values()));
        return merged;
    }

    /**
     * Lists the requested options that a final configuration does not have as requested. An
     * option missing from the final {@code .config} counts as not set, which is what Kconfig
     * means by leaving it out.
     *
     * @param wanted the requested options, as from {@link #merge}
     * @param result the final configuration
     * @return one line per difference, for example {@code CONFIG_DEVPORT=y requested, but it is
     *     not set}; empty when all requests hold
     */
    static List<String> unmet(Map<String, String> wanted, ConfigFragment result) {
        List<String> problems = new ArrayList<>();
        wanted.forEach((symbol, value) -> {
            String actual = result.values().get(symbol);
            String effective = actual == null ? "n" : actual;
            if (!effective.equals(value)) {
                problems.add("CONFIG_" + symbol + (value.equals("n") ? " unset" : "=" + value) + " requested, but "
                        + (actual == null ? "it is not in the final .config (no such option, or its menu is hidden)"
                        : actual.equals("n") ? "it is not set" : "it is " + actual));
            }
        });
        return problems;
    }
}
