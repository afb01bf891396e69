package io.github.bootkernel.kernels.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.Recipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookups in a temporary cache with hand-made entries: no build, no apt. */
class TinyKernelsLookupTest {

    @TempDir
    Path root;

    private final TinyRecipe recipe = TinyKernels.recipe("tiny");

    private CacheEntries.Entry store(CacheEntries cache, String version, String configHash, String fetched)
            throws IOException {
        byte[] image = new byte[0x300];
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, image, 0x202, 4);
        image[0x1fe] = 0x55;
        image[0x1ff] = (byte) 0xaa;
        Path source = Files.write(root.resolve("image-" + version + configHash), image);
        return cache.store(CacheEntries.dirName(version + "_" + configHash), source, "bzImage", Map.of(
                "id", "tiny", "version", version, "configHash", configHash, "fetched", fetched,
                "source", "built from Debian linux-source-6.1 " + version + " with tinyconfig + tiny.config",
                "kernelRelease", "6.1.0", "compiler", "gcc 12"), Map.of());
    }

    @Test
    void aMatchingEntryIsUsedWithoutBuildingAnything() throws IOException {
        CacheEntries cache = new CacheEntries(root, "tiny");
        CacheEntries.Entry entry = store(cache, "6.1.1-1", recipe.configHash(), "2026-01-01T00:00:00Z");
        cache.makeCurrent(entry);
        List<String> progress = new ArrayList<>();

        var kernel = TinyKernels.resolve(recipe, root, progress::add, false);

        assertThat(kernel.id()).isEqualTo("tiny");
        assertThat(kernel.path()).isEqualTo(root.resolve("tiny/6.1.1-1_" + recipe.configHash() + "/bzImage"));
        assertThat(kernel.version()).isEqualTo("6.1.1-1");
        assertThat(kernel.origin()).startsWith("built from Debian linux-source-6.1 6.1.1-1 with tinyconfig + tiny.config"
                + " (kernel 6.1.0, gcc 12), sha256 ").endsWith(entry.get("sha256"));
        assertThat(progress).isEmpty();
        assertThat(root.resolve(TinyBuild.WORK_DIR)).doesNotExist();
    }

    @Test
    void entriesOfAnotherConfigurationAreIgnoredAndTheNewestMatchingOneBecomesCurrent() throws IOException {
        CacheEntries cache = new CacheEntries(root, "tiny");
        CacheEntries.Entry older = store(cache, "6.1.1-1", recipe.configHash(), "2026-01-01T00:00:00Z");
        CacheEntries.Entry newer = store(cache, "6.1.2-1", recipe.configHash(), "2026-02-01T00:00:00Z");
        CacheEntries.Entry otherConfig = store(cache, "6.1.3-1", "0123456789abcdef", "2026-03-01T00:00:00Z");
        cache.makeCurrent(otherConfig);

        assertThat(TinyKernels.cached(cache, recipe)).contains(newer);
        assertThat(cache.current()).contains(newer);
        assertThat(older.dir()).isDirectory();
        assertThat(TinyKernels.cached(cache, TinyKernels.recipe("tiny-kunit"))).isEmpty();
    }

    @Test
    void aChangedImageIsNotTrusted() throws IOException {
        CacheEntries cache = new CacheEntries(root, "tiny");
        CacheEntries.Entry entry = store(cache, "6.1.1-1", recipe.configHash(), "2026-01-01T00:00:00Z");
        cache.makeCurrent(entry);
        byte[] bytes = Files.readAllBytes(entry.file());
        bytes[0] = 1;
        Files.write(entry.file(), bytes);

        assertThat(TinyKernels.cached(cache, recipe)).isEmpty();
    }

    @Test
    void recordUsesTheFormatOfTheOtherCacheItems() throws IOException {
        CacheEntries cache = new CacheEntries(root, "tiny");
        CacheEntries.Entry entry = store(cache, "6.1.1-1", recipe.configHash(), "2026-01-01T00:00:00Z");

        List<String> lines = Files.readAllLines(entry.dir().resolve(CacheEntries.RECORD));
        assertThat(lines.get(0)).isEqualTo("# bootkernel cache record");
        assertThat(lines.subList(1, lines.size())).isSorted()
                .contains("file=bzImage", "size=768", "version=6.1.1-1", "sha256=" + CacheEntries.sha256(entry.file()));
    }

    @Test
    void theBuildsConfigurationIsTheOneStoredBesideItsImage() throws IOException {
        CacheEntries cache = new CacheEntries(root, "tiny");
        CacheEntries.Entry entry = store(cache, "6.1.1-1", recipe.configHash(), "2026-01-01T00:00:00Z");
        Recipe tiny = TinyKernels.recipe("tiny", "tiny.config");

        assertThat(tiny.config(cache, entry, line -> { })).as("damaged: the build stores it always").isEmpty();
        Path config = Files.writeString(entry.dir().resolve("config"), "CONFIG_SERIAL_8250=y\n");
        assertThat(tiny.config(cache, entry, line -> { })).contains(config);
    }
}
