package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredImagesTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void concatPadsTheFirstArchiveToFourBytes() {
        assertThat(StoredImages.concat(new byte[] {1, 2, 3, 4, 5}, new byte[] {'0', '7'}))
                .containsExactly(1, 2, 3, 4, 5, 0, 0, 0, '0', '7');
        assertThat(StoredImages.concat(new byte[] {1, 2, 3, 4}, new byte[] {9})).containsExactly(1, 2, 3, 4, 9);
        assertThat(StoredImages.concat(new byte[0], new byte[] {9})).containsExactly(9);
    }

    @Test
    void theSameBytesAreStoredOnceUnderTheirHash() throws IOException {
        Path first = StoredImages.store(dir, new byte[] {1, 2, 3}, NOW);
        Path again = StoredImages.store(dir, new byte[] {1, 2, 3}, NOW.plusSeconds(60));
        Path other = StoredImages.store(dir, new byte[] {1, 2, 4}, NOW);

        assertThat(again).isEqualTo(first);
        assertThat(first.getFileName().toString())
                .isEqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81.cpio");
        assertThat(Files.readAllBytes(first)).containsExactly(1, 2, 3);
        assertThat(other).isNotEqualTo(first);
        assertThat(Files.getLastModifiedTime(first).toInstant()).as("touched when found again")
                .isEqualTo(NOW.plusSeconds(60));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(2);
        }
    }

    @Test
    void storingAnImageDeletesThoseUnusedForThirtyDays() throws IOException {
        Path old = StoredImages.store(dir, new byte[] {1}, NOW);
        Path recent = StoredImages.store(dir, new byte[] {2}, NOW);
        Files.setLastModifiedTime(old, FileTime.from(NOW.minus(Duration.ofDays(31))));
        Files.setLastModifiedTime(recent, FileTime.from(NOW.minus(Duration.ofDays(29))));

        Path fresh = StoredImages.store(dir, new byte[] {3}, NOW);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(fresh).exists();
    }
}
