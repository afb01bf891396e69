package io.github.bootkernel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached copy of JNA's library; that java -jar loads it is covered by it-tests' command-line tests. */
class JnaDispatchTest {

    private static final FileTime LONG_AGO = FileTime.fromMillis(0);

    @TempDir
    Path cache;

    private static byte[] library() throws IOException {
        try (InputStream in = JnaDispatchTest.class.getClassLoader().getResourceAsStream(JnaDispatch.RESOURCE)) {
            assertThat(in).as("JNA's jar holds %s", JnaDispatch.RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void writesTheLibraryOnceUnderItsChecksumAndSize() throws IOException {
        byte[] library = library();

        Path dir = JnaDispatch.unpacked(library, cache);
        Files.setLastModifiedTime(dir.resolve("libjnidispatch.so"), LONG_AGO);
        Path again = JnaDispatch.unpacked(library, cache);

        assertThat(dir.getParent()).isEqualTo(cache);
        assertThat(dir.getFileName().toString()).matches("[0-9a-f]{1,8}-" + library.length);
        assertThat(dir.resolve("libjnidispatch.so")).hasBinaryContent(library);
        assertThat(again).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("libjnidispatch.so"))).as("not written again")
                .isEqualTo(LONG_AGO);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(dir.resolve("libjnidispatch.so"));
        }
    }

    @Test
    void aCopyThatDiffersIsWrittenAgain() throws IOException {
        byte[] library = library();
        Path dir = JnaDispatch.unpacked(library, cache);
        byte[] damaged = library.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(dir.resolve("libjnidispatch.so"), damaged);

        Path again = JnaDispatch.unpacked(library, cache);

        assertThat(again).isEqualTo(dir);
        assertThat(dir.resolve("libjnidispatch.so")).hasBinaryContent(library);
    }

    @Test
    void anotherLibraryGetsADirectoryOfItsOwn() throws IOException {
        Path first = JnaDispatch.unpacked(new byte[] {1, 2, 3}, cache);
        Path second = JnaDispatch.unpacked(new byte[] {1, 2, 4}, cache);

        assertThat(second).isNotEqualTo(first);
        assertThat(first.resolve("libjnidispatch.so")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(second.resolve("libjnidispatch.so")).hasBinaryContent(new byte[] {1, 2, 4});
    }
}
