package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelIndexTest {

    @TempDir
    Path cache;

    private String saved;

    @BeforeEach
    void useTemporaryCache() {
        saved = System.getProperty("bootkernel.cache");
        System.setProperty("bootkernel.cache", cache.toString());
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty("bootkernel.cache");
        } else {
            System.setProperty("bootkernel.cache", saved);
        }
    }

    @Test
    void recordsAndFindsEntriesById() throws Exception {
        Path image = Files.write(cache.resolve("bzImage"), new byte[] {1, 2, 3});
        KernelIndex.record(new CachedFile("mine", image, "1.0", "built by hand"));
        KernelIndex.record(new CachedFile("other", image, "2.0", "elsewhere"));
        KernelIndex.record(new CachedFile("mine", image, "1.1", "rebuilt"));
        assertThat(KernelIndex.ids()).containsExactly("mine", "other");
        CachedFile mine = KernelIndex.lookup("mine").orElseThrow();
        assertThat(mine.path()).isEqualTo(image.toAbsolutePath());
        assertThat(mine.version()).isEqualTo("1.1");
        assertThat(mine.origin()).isEqualTo("rebuilt");
        assertThat(Files.readString(KernelIndex.file())).contains("mine.file=", "other.version=2.0");
    }

    @Test
    void anEntryWhoseFileIsGoneIsNotFound() throws Exception {
        Path image = Files.write(cache.resolve("gone"), new byte[] {1});
        KernelIndex.record(new CachedFile("gone", image, "1", "x"));
        Files.delete(image);
        assertThat(KernelIndex.lookup("gone")).isEmpty();
        assertThat(KernelIndex.lookup("never-listed")).isEmpty();
    }
}
