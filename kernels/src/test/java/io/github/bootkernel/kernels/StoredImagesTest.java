package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bootkernel.kernels.initramfs.HostPath;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    /** Reads files and counts the reads. */
    private static final class CountingReader implements StoredImages.Reader {
        int reads;

        @Override
        public byte[] read(Path file) throws IOException {
            reads++;
            return Files.readAllBytes(file);
        }
    }

    /** A base image of one file, {@code /a}. */
    private Path base() throws IOException {
        return Files.write(dir.resolve("base.cpio"), Initramfs.create().file("/a", new byte[] {1}).toBytes());
    }

    /** A file that stands for the code's jar. */
    private Path jar() throws IOException {
        return Files.writeString(dir.resolve("kernels.jar"), "stands for the code");
    }

    private Path composeWithJar(Path base, Path added, Path jar, CountingReader reader) {
        return StoredImages.compose(dir.resolve("images"), Optional.of(base),
                List.of(HostPath.parse(added + ":/tmp/added")), Optional.of(jar), reader, NOW);
    }

    @Test
    void anImageThatCannotBeTouchedIsUsedAsItIs() throws Exception {
        Path base = base();
        Path added = Files.writeString(dir.resolve("added"), "put by the host\n");
        Path jar = jar();
        Path image = composeWithJar(base, added, jar, new CountingReader());
        FileTime stored = Files.getLastModifiedTime(image);
        // The immutable flag makes setting its times fail even for root, as a read-only cache does
        // (a found image is touched so that pruning keeps it). It needs CAP_LINUX_IMMUTABLE: CI
        // runs as root; elsewhere this test is skipped, saying so.
        assumeTrue(chattr("+i", image), "chattr +i needs root (CAP_LINUX_IMMUTABLE) and ext2/3/4, xfs or btrfs");
        try {
            assertThat(composeWithJar(base, added, jar, new CountingReader())).as("through the memo").isEqualTo(image);
            assertThat(StoredImages.store(image.getParent(), Files.readAllBytes(image), NOW.plusSeconds(60)))
                    .isEqualTo(image);
            assertThat(StoredImages.compose(image.getParent(), Optional.of(base), List.of(HostPath.parse(added + ":/tmp/added")),
                    Optional.empty(), new CountingReader(), NOW)).as("without a memo").isEqualTo(image);
            assertThat(Files.getLastModifiedTime(image)).isEqualTo(stored);
        } finally {
            chattr("-i", image);
        }
    }

    /** Runs {@code chattr FLAG FILE}; whether it succeeded. */
    private static boolean chattr(String flag, Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }

    @Test
    void composingTheSameBaseAndFilesAgainReadsTheBaseOnce() throws IOException {
        Path base = base();
        Path added = Files.writeString(dir.resolve("added"), "put by the host\n");
        Path jar = jar();
        CountingReader reader = new CountingReader();

        Path first = composeWithJar(base, added, jar, reader);
        Files.setLastModifiedTime(first, FileTime.from(NOW.minus(Duration.ofDays(1))));
        Path again = composeWithJar(base, added, jar, reader);

        assertThat(reader.reads).as("reads of the base").isEqualTo(1);
        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(again).toInstant()).as("touched when found again").isEqualTo(NOW);
        Path withoutMemo = StoredImages.compose(dir.resolve("other-images"), Optional.of(base),
                List.of(HostPath.parse(added + ":/tmp/added")), Optional.empty(), reader, NOW);
        assertThat(Files.readAllBytes(first)).as("the image composed without a memo")
                .isEqualTo(Files.readAllBytes(withoutMemo)).startsWith(Files.readAllBytes(base));
        assertThat(first.getFileName().toString())
                .isEqualTo(CacheEntries.sha256(Files.readAllBytes(first)) + ".cpio");
    }

    @Test
    void anotherAddedFileOrABaseRewrittenIsComposedAnew() throws IOException, InterruptedException {
        Path base = base();
        Path added = Files.writeString(dir.resolve("added"), "one\n");
        Path jar = jar();
        CountingReader reader = new CountingReader();
        Path first = composeWithJar(base, added, jar, reader);

        Files.writeString(added, "two\n");
        Path otherFile = composeWithJar(base, added, jar, reader);
        FileTime kept = Files.getLastModifiedTime(base);
        Thread.sleep(20); // the change time has the file system's resolution
        Files.write(base, Initramfs.create().file("/a", new byte[] {2}).toBytes());
        Files.setLastModifiedTime(base, kept);
        Path otherBase = composeWithJar(base, added, jar, reader);

        assertThat(reader.reads).isEqualTo(3);
        assertThat(otherFile).isNotEqualTo(first);
        assertThat(otherBase).as("same size and time, other bytes").isNotEqualTo(otherFile);
        assertThat(Files.readAllBytes(otherBase)).startsWith(Files.readAllBytes(base));
    }

    @Test
    void aRememberedImageThatIsGoneIsComposedAgainAndWithoutAJarNothingIsRemembered() throws IOException {
        Path base = base();
        Path added = Files.writeString(dir.resolve("added"), "one\n");
        Path jar = jar();
        CountingReader reader = new CountingReader();
        Path first = composeWithJar(base, added, jar, reader);
        byte[] bytes = Files.readAllBytes(first);
        Files.delete(first);

        Path again = composeWithJar(base, added, jar, reader);
        Path images = dir.resolve("other-images");
        for (int i = 0; i < 2; i++) {
            StoredImages.compose(images, Optional.of(base), List.of(HostPath.parse(added + ":/tmp/added")),
                    Optional.empty(), reader, NOW);
        }

        assertThat(again).isEqualTo(first);
        assertThat(Files.readAllBytes(again)).isEqualTo(bytes);
        assertThat(reader.reads).isEqualTo(4);
        assertThat(images.resolve(StoredImages.COMPOSED)).doesNotExist();
    }
}
