package io.github.bootkernel.kernels.probe.build;

import io.github.bootkernel.kernels.Catalog;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;
import io.github.bootkernel.kernels.internal.ItemStore;
import io.github.bootkernel.kernels.internal.Recipe;
import io.github.bootkernel.kernels.probe.ProbeBuildException;
import io.github.bootkernel.kernels.probe.ProbeKernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * How the catalog's {@code probe} item is produced: {@code probe.S} and {@code probe.ld}
 * (resources next to {@link ProbeKernel}) assembled and linked by {@link ProbeBuild} and stored
 * as {@code <cache>/probe/<key>/probe.bzImage}, where the key is a hash of the sources and the
 * build steps. An entry an earlier version of this module stored without a record is adopted,
 * not rebuilt.
 */
public final class ProbeRecipe implements Recipe {

    /** The probe's sources, resources next to {@link ProbeKernel}, in the order they are hashed. */
    public static final List<String> SOURCES = List.of("probe.S", "probe.ld");

    /** Changes whenever the build recipe in {@link ProbeBuild} changes, so the key does too. */
    private static final String RECIPE = "as --32; ld -m elf_i386 -T probe.ld; objcopy -O binary; v1";

    /** The name of the image inside its cache entry. */
    public static final String IMAGE_NAME = "probe.bzImage";

    private final ProbeBuild.Toolchain tools;

    /**
     * Makes the recipe.
     *
     * @param tools the binutils commands, {@link ProbeBuild.Toolchain#DEFAULT} but in tests
     */
    public ProbeRecipe(ProbeBuild.Toolchain tools) {
        this.tools = tools;
    }

    /**
     * Returns the image in a cache, building it there if needed, without this JVM's memo.
     *
     * @param cacheRoot the cache root; the image goes to {@code <cacheRoot>/probe/<key>/}
     * @param tools the binutils commands
     * @return the image
     */
    public static Path image(Path cacheRoot, ProbeBuild.Toolchain tools) {
        return ItemStore.resolve(cacheRoot, Catalog.PROBE.id(), new ProbeRecipe(tools), line -> { }, false).path();
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        return entries.at(key(sources()));
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        List<byte[]> sources = sources();
        String key = key(sources);
        Map<String, String> record = new TreeMap<>(Map.of("source", "built with binutils from "
                + String.join(" and ", SOURCES) + " (" + RECIPE + ")",
                "fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        // An earlier version of this module stored the image without a record.
        Path legacy = entries.root().resolve(key).resolve(IMAGE_NAME);
        if (FileChecks.isBzImage(legacy)) {
            Optional<CacheEntries.Entry> adopted = entries.adopt(key, IMAGE_NAME, record);
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        try {
            return entries.storeBuilt(key, IMAGE_NAME, record, work -> {
                for (int i = 0; i < SOURCES.size(); i++) {
                    Files.write(work.resolve(SOURCES.get(i)), sources.get(i));
                }
                return ProbeBuild.run(work, tools);
            });
        } catch (IOException e) {
            throw new ProbeBuildException("building the probe image in " + entries.root() + ": "
                    + e.getMessage(), List.of(), e);
        }
    }

    @Override
    public boolean tracksCurrent() {
        return false;
    }

    private static List<byte[]> sources() {
        return SOURCES.stream().map(ProbeRecipe::readSource).toList();
    }

/**
 * Returns the cache key of the given sources: the first 16 hex digits of a SHA-256 over the
 * build recipe and each source's name, length and bytes.
 *
 * @param sources the contents of {@link #SOURCES}, in order
 * @return the key, for example {@code 3f9a0c5e1b2d4c6f}
 */
public static String key(List<byte[]> sources) {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes(RECIPE.getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < sources.size(); i++) {
        input.writeBytes(("\0" + SOURCES.get(i) + "\0" + sources.get(i).length + "\0")
                .getBytes(StandardCharsets.UTF_8));
        input.writeBytes(sources.get(i));
    }
    return CacheEntries.sha256(input.toByteArray()).substring(0, 16);
}

/**
 * Reads one of the probe's sources from the class path.
 *
 * @param name the file name, one of {@link #SOURCES}
 * @return its bytes
 */
public static byte[] readSource(String name) {
    try (InputStream in = ProbeKernel.class.getResourceAsStream(name)) {
        if (in == null) {
            throw new ProbeBuildException("the probe source " + name + " is missing from the class path"
                    + " (expected as a resource next to " + ProbeKernel.class.getName() + ")",
                    List.of(), null);
        }
        return in.readAllBytes();
    } catch (IOException e) {
        throw new UncheckedIOException("reading the probe source " + name, e);
    }
}
}
