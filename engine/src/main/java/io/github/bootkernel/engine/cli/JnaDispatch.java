package io.github.bootkernel.engine.cli;

import io.github.bootkernel.kernels.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * JNA's native library ({@code libjnidispatch.so}), kept unpacked in the cache so that a fresh
 * {@code java -jar bootkernel.jar} loads it from there: without {@code jna.boot.library.path}, JNA
 * copies it out of the jar into a new temporary file on every start (whose random name alone
 * initialises {@code SecureRandom}); 0.12 s of the 0.45 s to this point on one host CPU, more on a
 * slow one. The copy is named by the library's CRC-32 and size,
 * {@code <cache>/jna/<crc>-<size>/libjnidispatch.so}, so each JNA version gets its own; it is
 * compared byte for byte with the jar's before use, and written under a temporary name and renamed,
 * so a reader sees all of it or nothing. A copy that differs is written again. The launcher
 * ({@code target/bootkernel}) sets {@code jna.boot.library.path} to the library it unpacked at
 * build time, and a value the user set is kept: then nothing is done here. Every file opened here
 * is closed before {@link #useCachedCopy} returns, so a closed descriptor 0 is still closed for
 * {@link StandardInput#inspect}.
 */
final class JnaDispatch {

    /** The property JNA reads first for the directory of {@code libjnidispatch.so}. */
    static final String BOOT_PATH = "jna.boot.library.path";

    /** The library in JNA's jar for this tool's only platform: KVM on x86-64 Linux. */
    static final String RESOURCE = "com/sun/jna/linux-x86-64/libjnidispatch.so";

    private static final String FILE = "libjnidispatch.so";

    private JnaDispatch() {
    }

    /**
     * Points {@value #BOOT_PATH} at the cached copy, making it first if needed. Best effort: when
     * the jar does not hold the library or the cache cannot be written, JNA unpacks it as usual.
     */
    static void useCachedCopy() {
        if (System.getProperty(BOOT_PATH) != null || !"amd64".equals(System.getProperty("os.arch"))) {
            return;
        }
        try (InputStream in = JnaDispatch.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Path dir = unpacked(in.readAllBytes(), Cache.root().resolve("jna"));
                System.setProperty(BOOT_PATH, dir.toString());
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // JNA unpacks it into a temporary file, as without this.
        }
    }

    /**
     * The directory holding a copy of the library, written there unless an intact one is.
     *
     * @param library the library's bytes, from the jar
     * @param cache the directory that holds one subdirectory per content
     * @return the directory to give JNA
     * @throws IOException if the copy cannot be read or written
     */
    static Path unpacked(byte[] library, Path cache) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(library);
        Path dir = cache.resolve(Long.toHexString(crc.getValue()) + "-" + library.length);
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file) && Files.size(file) == library.length
                && Arrays.equals(Files.readAllBytes(file), library)) {
            return dir;
        }
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + FILE + ".", ".tmp");
        try {
            Files.write(temporary, library);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return dir;
    }
}
