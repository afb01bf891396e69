package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel's build configuration, as Kconfig writes it to {@code .config} (and Debian ships it as
 * {@code /boot/config-<version>}): {@code CONFIG_FOO=y}, {@code CONFIG_BAR=m}, {@code CONFIG_N=4},
 * {@code CONFIG_ADDR=0x1000000}, {@code CONFIG_S="text"} or {@code # CONFIG_QUX is not set}; other
 * lines starting with {@code #} are comments, blank lines are ignored (the format of
 * {@code scripts/kconfig/confdata.c}, {@code conf_write_symbol}).
 *
 * <pre>{@code
 * KernelConfig config = Catalog.TINY_KUNIT.config().orElseThrow();
 * config.isEnabled("KUNIT");                        // true: CONFIG_KUNIT=y
 * config.number("SERIAL_8250_RUNTIME_UARTS");       // OptionalLong[2]
 * KernelConfig.beside(Path.of("/boot/vmlinuz-6.1.0-13-amd64"));  // reads /boot/config-6.1.0-13-amd64
 * }</pre>
 *
 * <p>Symbols are named with or without their {@code CONFIG_} prefix ({@code "KUNIT"} and
 * {@code "CONFIG_KUNIT"} are the same option). An option the file does not mention counts as not
 * set, which is what Kconfig means by leaving it out.
 */
public final class KernelConfig {

    private static final String PREFIX = "CONFIG_";
    private static final Pattern ASSIGNMENT = Pattern.compile("CONFIG_([A-Za-z0-9_]+)=(.*)");
    private static final Pattern NOT_SET = Pattern.compile("# CONFIG_([A-Za-z0-9_]+) is not set");
    private static final Pattern VALUE = Pattern.compile("[ymn]|-?[0-9]+|0x[0-9a-fA-F]+|\"([^\"\\\\]|\\\\.)*\"");
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_]+");

    private final String source;
    private final Map<String, String> values;

    private KernelConfig(String source, Map<String, String> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Parses a configuration, or a fragment in the same syntax.
     *
     * @param source where the text came from, for messages, for example a file's path
     * @param text the text
     * @return the configuration
     * @throws IllegalArgumentException naming the source and line of the first malformed line
     *     (neither an assignment with a value Kconfig writes, nor a {@code not set} line, a
     *     comment or a blank line) or of an option set twice
     */
    public static KernelConfig parse(String source, String text) {
        Objects.requireNonNull(source, "source");
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int number = i + 1;
            String symbol;
            String value;
            Matcher assignment = ASSIGNMENT.matcher(line);
            Matcher notSet = NOT_SET.matcher(line);
            if (assignment.matches()) {
                symbol = assignment.group(1);
                value = assignment.group(2);
                if (!VALUE.matcher(value).matches()) {
                    throw new IllegalArgumentException(source + ":" + number + ": CONFIG_" + symbol
                            + " has the malformed value '" + value + "' (expected y, m, n, a number or a"
                            + " quoted string)");
                }
            } else if (notSet.matches()) {
                symbol = notSet.group(1);
                value = "n";
            } else if (line.isEmpty() || line.startsWith("#")) {
                continue;
            } else {
                throw new IllegalArgumentException(source + ":" + number + ": expected CONFIG_<NAME>=<value>, "
                        + "'# CONFIG_<NAME> is not set', a comment or a blank line, not '" + line + "'");
            }
            Integer earlier = lineOf.putIfAbsent(symbol, number);
            if (earlier != null) {
                throw new IllegalArgumentException(source + ":" + number + ": CONFIG_" + symbol
                        + " is already set on line " + earlier);
            }
            values.put(symbol, value);
        }
        return new KernelConfig(source, values);
    }

    /**
     * Reads and parses a configuration file.
     *
     * @param file the file, for example a build's {@code .config}
     * @return the configuration, whose {@link #source()} is the file's path
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a kernel configuration, as for {@link #parse}
     */
    public static KernelConfig read(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel configuration " + file, e);
        }
    }

    /**
     * Finds the configuration kept beside a kernel file, following symbolic links first (so
     * {@code ~/.cache/bootkernel/latest/<id>} finds its cache entry's). The first that exists of:
     * <ol>
     *   <li>{@code config-<suffix>} for a kernel named {@code <name>-<suffix>}, as in Debian's
     *       {@code /boot}: {@code vmlinuz-6.1.0-13-amd64} and {@code config-6.1.0-13-amd64};</li>
     *   <li>{@code config} in the kernel's directory, as in this module's cache entries;</li>
     *   <li>{@code <kernel file name>.config}, for example {@code bzImage.config};</li>
     *   <li>{@code .config} of the kernel tree, for a kernel at {@code arch/x86/boot/bzImage} of
     *       a tree built in place.</li>
     * </ol>
     *
     * @param kernel the kernel's file
     * @return the configuration file, or empty when none of these exists
     */
    public static Optional<Path> fileBeside(Path kernel) {
        Path real;
        try {
            real = kernel.toRealPath();
        } catch (IOException e) {
            real = kernel.toAbsolutePath().normalize();
        }
        Path dir = real.getParent();
        Path nameOnly = real.getFileName();
        if (dir == null || nameOnly == null) {
            return Optional.empty();
        }
        String name = nameOnly.toString();
        List<Path> candidates = new ArrayList<>();
        int dash = name.indexOf('-');
        if (dash > 0 && dash < name.length() - 1) {
            candidates.add(dir.resolve("config" + name.substring(dash)));
        }
        candidates.add(dir.resolve("config"));
        candidates.add(dir.resolve(name + ".config"));
        if (real.endsWith(Path.of("arch", "x86", "boot", name)) && dir.getParent() != null
                && dir.getParent().getParent() != null && dir.getParent().getParent().getParent() != null) {
            candidates.add(dir.getParent().getParent().getParent().resolve(".config"));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * Reads the configuration kept beside a kernel file, found as {@link #fileBeside} says.
     *
     * @param kernel the kernel's file
     * @return the configuration, or empty when there is none beside it
     * @throws UncheckedIOException if the file found cannot be read
     * @throws IllegalArgumentException if the file found is not a kernel configuration
     */
    public static Optional<KernelConfig> beside(Path kernel) {
        return fileBeside(kernel).map(KernelConfig::read);
    }

    /**
     * Says where the configuration came from.
     *
     * @return the source given to {@link #parse}, for a file its path
     */
    public String source() {
        return source;
    }

    /**
     * Returns every option the text mentions, in its order, without the {@code CONFIG_} prefix,
     * each value as written: {@code y}, {@code m}, a number, a quoted string with its quotes and
     * escapes, and {@code n} for {@code # CONFIG_X is not set}.
     *
     * @return symbol to value
     */
    public Map<String, String> values() {
        return values;
    }

    /**
     * Returns an option's value as written.
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return the value ({@code n} for an option marked not set), or empty when the text does not
     *     mention the option
     * @throws IllegalArgumentException if {@code symbol} is not an option name
     */
    public Optional<String> get(String symbol) {
        return Optional.ofNullable(values.get(bare(symbol)));
    }

    /**
     * Tells whether an option is on: built in ({@code y}) or a module ({@code m}).
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return whether it is {@code y} or {@code m}
     */
    public boolean isEnabled(String symbol) {
        String value = values.get(bare(symbol));
        return "y".equals(value) || "m".equals(value);
    }

    /**
     * Tells whether an option is built into the kernel image ({@code y}), which is what a boot
     * without modules needs, for example {@code SERIAL_8250_CONSOLE}.
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return whether it is {@code y}
     */
    public boolean isBuiltIn(String symbol) {
        return "y".equals(values.get(bare(symbol)));
    }

    /**
     * Returns the value of an {@code int} or {@code hex} option.
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return the number, or empty when the option is absent or not a number
     */
    public OptionalLong number(String symbol) {
        String value = values.get(bare(symbol));
        if (value == null || !value.matches("-?[0-9]+|0x[0-9a-fA-F]+")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16)
                    : Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Returns the text of a {@code string} option, without its quotes and escapes.
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return the text, for example {@code ""} for {@code CONFIG_LOCALVERSION=""}, or empty when
     *     the option is absent or not a string
     */
    public Optional<String> string(String symbol) {
        String value = values.get(bare(symbol));
        if (value == null || !value.startsWith("\"")) {
            return Optional.empty();
        }
        return Optional.of(value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1"));
    }

    /**
     * Returns an option's name without the {@code CONFIG_} prefix, as {@link #values()} keys it.
     *
     * @param symbol the option, with or without {@code CONFIG_}
     * @return for example {@code KUNIT} for {@code CONFIG_KUNIT}
     * @throws IllegalArgumentException if {@code symbol} is not an option name
     */
    public static String bare(String symbol) {
        String name = symbol.startsWith(PREFIX) ? symbol.substring(PREFIX.length()) : symbol;
        if (!SYMBOL.matcher(name).matches()) {
            throw new IllegalArgumentException("not a kernel configuration option: '" + symbol + "'");
        }
        return name;
    }

    @Override
    public String toString() {
        return "kernel configuration " + source + " (" + values.size() + " options)";
    }
}
