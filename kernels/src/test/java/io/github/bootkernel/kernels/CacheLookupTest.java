package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against a private cache root ({@code bootkernel.cache}) filled with fake entries, so it shows
 * that lookups use the cache alone: a real apt lookup would have found another version.
 */
class CacheLookupTest {

    @TempDir
    Path cacheRoot;

    private String previous;

    @BeforeEach
    void useTemporaryCache() {
        previous = System.getProperty("bootkernel.cache");
        System.setProperty("bootkernel.cache", cacheRoot.toString());
    }

    @AfterEach
    void restoreCache() {
        if (previous == null) {
            System.clearProperty("bootkernel.cache");
        } else {
            System.setProperty("bootkernel.cache", previous);
        }
    }

    @Test
    void storesAnEntryWithItsRecordAndPointsCurrentAtIt() throws Exception {
        CacheEntries entries = new CacheEntries("thing");
        Path source = Files.write(cacheRoot.resolve("source"), new byte[] {1, 2, 3});

        CacheEntries.Entry entry = entries.store("1:2.0-1", source, "thing.bin", Map.of("package", "thing"));
        entries.makeCurrent(entry);

        assertThat(entry.dir()).isEqualTo(cacheRoot.resolve("thing/1_2.0-1"));
        assertThat(entry.file()).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(entry.get("version")).isEqualTo("1:2.0-1");
        assertThat(entry.get("sha256")).isEqualTo(CacheEntries.sha256(new byte[] {1, 2, 3}));
        assertThat(entry.get("size")).isEqualTo("3");
        assertThat(cacheRoot.resolve("thing/current")).hasContent("1_2.0-1");
        assertThat(entries.current()).contains(entry);
        assertThat(entries.version("1:2.0-1")).contains(entry);
        assertThat(Files.readString(entry.dir().resolve("record.properties"), StandardCharsets.UTF_8))
                .doesNotContain(" 20").startsWith("# bootkernel cache record\nfile=thing.bin\n");
        try (var leftovers = Files.list(cacheRoot.resolve("thing"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1_2.0-1", "current");
        }
    }

    @Test
    void ignoresEntriesWhoseFileNoLongerMatchesTheRecord() throws Exception {
        CacheEntries entries = new CacheEntries("thing");
        CacheEntries.Entry entry = entries.store("1", Files.write(cacheRoot.resolve("s"), new byte[] {1}),
                "f", Map.of());
        entries.makeCurrent(entry);

        Files.write(entry.file(), new byte[] {2});
        Files.setLastModifiedTime(entry.file(), FileTime.fromMillis(1_000_000));

        assertThat(entries.current()).isEmpty();
        assertThat(entries.newest()).isEmpty();
        // Storing the same version again repairs it.
        CacheEntries.Entry repaired = entries.store("1", cacheRoot.resolve("s"), "f", Map.of());
        assertThat(repaired.file()).hasBinaryContent(new byte[] {1});
    }

    @Test
    void touchedButIntactFilesAreHashedOnceAndTheRecordLearnsTheNewMtime() throws Exception {
        CacheEntries entries = new CacheEntries("thing");
        CacheEntries.Entry entry = entries.store("1", Files.write(cacheRoot.resolve("s"), new byte[] {1}),
                "f", Map.of());
        assertThat(entry.get("mtime")).isEqualTo(Long.toString(Files.getLastModifiedTime(entry.file()).toMillis()));

        Files.setLastModifiedTime(entry.file(), FileTime.fromMillis(2_000_000));

        assertThat(entries.version("1")).hasValueSatisfying(e -> assertThat(e.get("mtime")).isEqualTo("2000000"));
        assertThat(entry.dir().resolve("record.properties")).content().contains("mtime=2000000\n");
    }

    @Test
    void cloudKernelComesFromTheCacheAloneAndNewestWinsWithoutACurrentPointer() throws Exception {
        byte[] fakeKernel = new byte[0x400];
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, fakeKernel, 0x202, 4);
        Path source = Files.write(cacheRoot.resolve("fake-vmlinuz"), fakeKernel);
        CacheEntries entries = new CacheEntries("debian-cloud");
        entries.store("0.0.1-1", source, "vmlinuz", Map.of("fetched", "2020-01-01T00:00:00Z",
                "source", "test", "package", "linux-image-test"));
        entries.store("0.0.2-1", source, "vmlinuz", Map.of("fetched", "2021-01-01T00:00:00Z",
                "source", "test", "package", "linux-image-test"));

        KernelImage kernel = DebianKernels.cloud();

        assertThat(kernel.version()).isEqualTo("0.0.2-1");
        assertThat(kernel.path()).isEqualTo(cacheRoot.resolve("debian-cloud/0.0.2-1/vmlinuz"));
        assertThat(kernel.origin()).startsWith("test: linux-image-test 0.0.2-1");
        assertThat(cacheRoot.resolve("debian-cloud/current")).hasContent("0.0.2-1");
    }

    @Test
    void dirNamesAreFileNameSafe() {
        assertThat(CacheEntries.dirName("1:1.35.0-4+deb12u1+b1")).isEqualTo("1_1.35.0-4+deb12u1+b1");
        assertThat(CacheEntries.dirName("6.1.192-2")).isEqualTo("6.1.192-2");
        assertThat(CacheEntries.dirName("a/b")).isEqualTo("a_b");
        assertThat(new CacheEntries("empty").newest()).isEqualTo(Optional.empty());
    }
}
