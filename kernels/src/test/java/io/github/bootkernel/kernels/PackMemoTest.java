package io.github.bootkernel.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackMemoTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static final byte[] NOTHING = new byte[0];

    @TempDir
    Path dir;

    @Test
    void theKeyChangesWithEachFilesSizeOrTimeAndWithTheJar() throws IOException {
        Path file = Files.writeString(dir.resolve("busybox"), "one");
        Path jar = Files.writeString(dir.resolve("kernels.jar"), "code");
        String key = PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow();

        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(PackMemo.key(List.of(file), NOTHING, Optional.of(jar))).contains(key);
        Files.setLastModifiedTime(file, FileTime.from(NOW));
        String touched = PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow();
        assertThat(touched).as("the file's time").isNotEqualTo(key);
        Files.writeString(file, "two!");
        Files.setLastModifiedTime(file, FileTime.from(NOW));
        assertThat(PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow()).as("its size").isNotEqualTo(touched);
        String before = PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow();
        Files.setLastModifiedTime(jar, FileTime.from(NOW.plusSeconds(1)));
        String jarTouched = PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow();
        assertThat(jarTouched).as("the jar's time").isNotEqualTo(before);
        assertThat(PackMemo.key(List.of(file), new byte[] {1}, Optional.of(jar))).as("the other bytes")
                .isNotEqualTo(Optional.of(jarTouched));
    }

    @Test
    void aFileRewrittenWithItsSizeAndTimeKeptHasAnotherKey() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("initrd"), "one");
        Path jar = Files.writeString(dir.resolve("kernels.jar"), "code");
        Files.setLastModifiedTime(file, FileTime.from(NOW));
        String key = PackMemo.key(List.of(file), NOTHING, Optional.of(jar)).orElseThrow();
        Thread.sleep(20); // the change time has the file system's resolution

        Files.writeString(file, "two");
        Files.setLastModifiedTime(file, FileTime.from(NOW));

        assertThat(PackMemo.key(List.of(file), NOTHING, Optional.of(jar))).as("its change time moved")
                .isNotEqualTo(Optional.of(key));
    }

    @Test
    void codeWithoutAJarOrAFileThatIsGoneHasNoKey() throws IOException {
        Path file = Files.writeString(dir.resolve("busybox"), "one");
        Path jar = Files.writeString(dir.resolve("kernels.jar"), "code");

        assertThat(PackMemo.key(List.of(file), NOTHING, Optional.empty())).isEmpty();
        assertThat(PackMemo.key(List.of(dir.resolve("gone")), NOTHING, Optional.of(jar))).isEmpty();
        assertThat(PackMemo.jarOf(PackMemoTest.class)).as("test classes come from a directory").isEmpty();
        assertThat(PackMemo.jarOf(Test.class)).as("JUnit comes from a jar").isPresent();
    }

    @Test
    void recallsWhatWasRememberedAndIgnoresADamagedMemo() throws IOException {
        PackMemo memo = new PackMemo(dir.resolve(PackMemo.DIR));
        String inputs = "a".repeat(64);

        assertThat(memo.recall(inputs)).isEmpty();
        memo.remember(inputs, "1_1.35.0+3703e699ba684c5e+86813cbd81d4c011_fd176d7235bdb808", NOW);
        assertThat(memo.recall(inputs)).contains("1_1.35.0+3703e699ba684c5e+86813cbd81d4c011_fd176d7235bdb808");
        assertThat(dir.resolve(PackMemo.DIR).resolve(inputs)).exists();

        Files.writeString(dir.resolve(PackMemo.DIR).resolve(inputs), "../elsewhere\n");
        assertThat(memo.recall(inputs)).as("a path, not a key").isEmpty();
        assertThatThrownBy(() -> memo.remember(inputs, ".hidden", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".hidden");
        assertThatThrownBy(() -> memo.remember(inputs, "two\nlines", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memo.recall("../x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../x");
    }

    @Test
    void rememberingDeletesMemosWrittenMoreThanThirtyDaysAgo() throws IOException {
        PackMemo memo = new PackMemo(dir.resolve(PackMemo.DIR));
        String old = "a".repeat(64);
        String recent = "b".repeat(64);
        memo.remember(old, "x", NOW);
        memo.remember(recent, "y", NOW);
        Files.setLastModifiedTime(dir.resolve(PackMemo.DIR).resolve(old), FileTime.from(NOW.minus(Duration.ofDays(31))));
        Files.setLastModifiedTime(dir.resolve(PackMemo.DIR).resolve(recent),
                FileTime.from(NOW.minus(Duration.ofDays(29))));

        memo.remember("c".repeat(64), "z", NOW);

        assertThat(memo.recall(old)).isEmpty();
        assertThat(memo.recall(recent)).contains("y");
        assertThat(memo.recall("c".repeat(64))).contains("z");
    }
}
