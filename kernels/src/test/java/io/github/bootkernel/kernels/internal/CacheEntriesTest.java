package io.github.bootkernel.kernels.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries in a private cache root: the layout, the record and the checks on lookup. */
class CacheEntriesTest {

    @TempDir
    Path cacheRoot;

    @Test
    void storesAnEntryWithItsRecordAndPointsCurrentAtIt() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
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
        assertThat(entries.at("1:2.0-1")).contains(entry);
        assertThat(Files.readString(entry.dir().resolve("record.properties"), StandardCharsets.UTF_8))
                .doesNotContain(" 20").startsWith("# bootkernel cache record\nfile=thing.bin\n");
        try (var leftovers = Files.list(cacheRoot.resolve("thing"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1_2.0-1", "current");
        }
    }

    @Test
    void ignoresEntriesWhoseFileNoLongerMatchesTheRecord() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
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
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
        CacheEntries.Entry entry = entries.store("1", Files.write(cacheRoot.resolve("s"), new byte[] {1}),
                "f", Map.of());
        assertThat(entry.get("mtime")).isEqualTo(Long.toString(Files.getLastModifiedTime(entry.file()).toMillis()));

        Files.setLastModifiedTime(entry.file(), FileTime.fromMillis(2_000_000));

        assertThat(entries.at("1")).hasValueSatisfying(e -> assertThat(e.get("mtime")).isEqualTo("2000000"));
        assertThat(entry.dir().resolve("record.properties")).content().contains("mtime=2000000\n");
    }

    @Test
    void aChangeInTheClockTickTheFileWasRecordedInIsFoundByItsHash() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
        CacheEntries.Entry entry = entries.store("1", Files.write(cacheRoot.resolve("s"), new byte[] {1}),
                "f", Map.of());
        FileTime recorded = FileTime.fromMillis(Long.parseLong(entry.get("mtime")));
        // A change within the same tick keeps the size and the mtime; so was the record written.
        Files.write(entry.file(), new byte[] {2});
        Files.setLastModifiedTime(entry.file(), recorded);
        Files.setLastModifiedTime(entry.dir().resolve("record.properties"), recorded);

        assertThat(entries.at("1")).isEmpty();

        // Intact, recorded in its own tick: hashed and found.
        Files.write(entry.file(), new byte[] {1});
        Files.setLastModifiedTime(entry.file(), recorded);
        Files.setLastModifiedTime(entry.dir().resolve("record.properties"), recorded);
        assertThat(entries.at("1")).hasValueSatisfying(e -> assertThat(e.file()).hasBinaryContent(new byte[] {1}));
    }

    @Test
    void storesSideFilesAndKeepsAVersionThatDiffersFromTheKey() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "built");
        Path image = Files.write(cacheRoot.resolve("image"), new byte[] {7, 7});
        Path log = Files.writeString(cacheRoot.resolve("log"), "make bzImage\n");

        CacheEntries.Entry entry = entries.store("6.1.1-1_0123456789abcdef", image, "bzImage",
                Map.of("version", "6.1.1-1", "configHash", "0123456789abcdef"), Map.of("build.log", log));

        assertThat(entry.dir()).isEqualTo(cacheRoot.resolve("built/6.1.1-1_0123456789abcdef"));
        assertThat(entry.get("version")).isEqualTo("6.1.1-1");
        assertThat(entry.get("id")).isEqualTo("built");
        assertThat(entry.dir().resolve("build.log")).hasContent("make bzImage");
        assertThat(entries.at("6.1.1-1_0123456789abcdef")).contains(entry);
    }

    @Test
    void newestHonoursAFilterAndCurrentStaysInsideTheItem() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
        Path source = Files.write(cacheRoot.resolve("s"), new byte[] {1});
        CacheEntries.Entry older = entries.store("1", source, "f", Map.of("fetched", "2020", "kind", "a"));
        entries.store("2", source, "f", Map.of("fetched", "2021", "kind", "b"));

        assertThat(entries.newest(e -> e.get("kind").equals("a"))).contains(older);
        assertThat(entries.newest().map(e -> e.get("version"))).contains("2");
        Files.writeString(cacheRoot.resolve("thing/current"), "../thing/1\n");
        assertThat(entries.current()).isEmpty();
    }

    @Test
    void dirNamesAreFileNameSafe() {
        assertThat(CacheEntries.dirName("1:1.35.0-4+deb12u1+b1")).isEqualTo("1_1.35.0-4+deb12u1+b1");
        assertThat(CacheEntries.dirName("6.1.192-2")).isEqualTo("6.1.192-2");
        assertThat(CacheEntries.dirName("a/b")).isEqualTo("a_b");
        assertThat(new CacheEntries(cacheRoot, "empty").newest()).isEqualTo(Optional.empty());
    }

    @Test
    void aSideFileIsAddedToAnEntryOnceAndLeavesTheEntryIntact() throws Exception {
        CacheEntries entries = new CacheEntries(cacheRoot, "thing");
        CacheEntries.Entry entry = entries.storeBuilt("1", "thing.bin", new java.util.TreeMap<>(),
                work -> Files.write(work.resolve("t"), new byte[] {1}));

        Path added = entries.addSideFile(entry, "config", Files.writeString(cacheRoot.resolve("a"), "first"));
        entries.addSideFile(entry, "config", Files.writeString(cacheRoot.resolve("b"), "second"));

        assertThat(added).isEqualTo(entry.dir().resolve("config")).hasContent("first");
        assertThat(CacheEntries.read(entry.dir())).contains(entry);
        assertThatThrownBy(() -> entries.addSideFile(entry, "thing.bin", cacheRoot.resolve("a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> entries.addSideFile(entry, CacheEntries.RECORD, cacheRoot.resolve("a")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
