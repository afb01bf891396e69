package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which build of the engine a snapshot file was written by: by the classes' content, not timestamps. */
class EngineBuildTest {

    @TempDir
    Path dir;

    @Test
    void aJarAndADirectoryOfTheSameClassesAgreeWhateverTheirTimesAndAChangedClassDoesNot() throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("a/b"));
        Files.write(classes.resolve("a/b/One.class"), new byte[] {(byte) 0xca, (byte) 0xfe, 1, 2});
        Files.write(classes.resolve("a/Two.class"), new byte[] {(byte) 0xca, (byte) 0xfe, 3});
        Files.writeString(classes.resolve("a/notes.txt"), "not a class");
        String fromDirectory = EngineBuild.of(classes);
        assertThat(fromDirectory).matches("[0-9a-f]{16}");

        assertThat(EngineBuild.of(jar("old.jar", 0, new byte[] {(byte) 0xca, (byte) 0xfe, 1, 2})))
                .isEqualTo(EngineBuild.of(jar("new.jar", 1_700_000_000_000L, new byte[] {(byte) 0xca, (byte) 0xfe, 1, 2})))
                .isEqualTo(fromDirectory);
        assertThat(EngineBuild.of(jar("changed.jar", 0, new byte[] {(byte) 0xca, (byte) 0xfe, 1, 3})))
                .isNotEqualTo(fromDirectory);
        assertThat(EngineBuild.digest()).as("this build's").matches("[0-9a-f]{16}");
    }

    private Path jar(String name, long time, byte[] one) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            put(out, "a/Two.class", new byte[] {(byte) 0xca, (byte) 0xfe, 3}, time);
            put(out, "a/b/One.class", one, time);
            put(out, "a/notes.txt", ("written at " + time).getBytes(java.nio.charset.StandardCharsets.UTF_8), time);
        }
        return jar;
    }

    private static void put(JarOutputStream out, String name, byte[] bytes, long time) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setLastModifiedTime(FileTime.fromMillis(time));
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }
}
