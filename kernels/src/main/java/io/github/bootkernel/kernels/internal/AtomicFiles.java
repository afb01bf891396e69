package io.github.bootkernel.kernels.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The one way the cache writes a file, a symbolic link or the index (and deletes a tree): write to a temporary file
 * with a unique name in the same directory ({@code .<name>.<16 hex digits>.tmp}), force it to
 * disk, then rename it over the target with {@code ATOMIC_MOVE}. A reader sees the old file or
 * the new one, never a part; two writers never share a temporary file. Modelled on Maven
 * Resolver's {@code FileUtils.writeFile} and its collocated temporary file.
 *
 * <p>A writer killed half-way leaves its temporary file behind; {@link ItemLock} deletes such
 * leftovers ({@link #isTemporary}) when it takes the lock of the directory they are in.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class AtomicFiles {

    /** Writes the content of a temporary file, given its path (which does not exist yet). */
    @FunctionalInterface
    public interface Writer {

        /**
         * Creates and fills the file.
         *
         * @param temporary where to write
         * @throws IOException if writing fails
         */
        void write(Path temporary) throws IOException;
    }

    /** Names of temporary files and directories of earlier versions of this module. */
    private static final String[] LEGACY_PREFIXES = {".staging-", ".current-", ".record-", ".build-", ".download-",
        ".extract-"};

    private AtomicFiles() {
    }

    /**
     * Writes a file atomically: a unique temporary file beside it, fsync, atomic rename.
     *
     * @param target the file to create or replace; its directory is created if needed
     * @param writer fills the temporary file
     * @throws IOException if writing or renaming fails; the temporary file is removed then
     */
    public static void write(Path target, Writer writer) throws IOException {
        replace(target, temporary -> {
            writer.write(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        });
    }

    /**
     * Writes text as UTF-8, atomically.
     *
     * @param target the file to create or replace
     * @param text the content
     * @throws IOException if writing fails
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, temporary -> Files.writeString(temporary, text, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * Copies a file, atomically.
     *
     * @param source the file to copy
     * @param target the file to create or replace
     * @throws IOException if copying fails
     */
    public static void copy(Path source, Path target) throws IOException {
        write(target, temporary -> Files.copy(source, temporary));
    }

    /**
     * Points a symbolic link at a file, replacing an older link atomically.
     *
     * @param link the link to create or replace
     * @param target what it points to
     * @throws IOException if the link cannot be made
     */
    public static void link(Path link, Path target) throws IOException {
        replace(link, temporary -> Files.createSymbolicLink(temporary, target));
    }

    /**
     * Tells whether a name is a temporary file or directory of the cache (this class's, or one an
     * earlier version of this module made), which a lock holder may delete.
     *
     * @param name a file name
     * @return whether it is one
     */
    public static boolean isTemporary(String name) {
        if (name.startsWith(".") && name.endsWith(".tmp")) {
            return true;
        }
        for (String prefix : LEGACY_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes a directory tree, or a file, ignoring what is already gone. Links are removed, not
     * followed.
     *
     * @param path the directory or file
     * @throws java.io.UncheckedIOException if something cannot be deleted
     */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (NoSuchFileException gone) {
            // Deleted meanwhile: that is the goal.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    private static void replace(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = dir.resolve("." + target.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            writer.write(temporary);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Makes the rename durable; best effort, as not every file system lets a directory be opened. */
    private static void syncDirectory(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // The file itself was forced; only the directory entry may be lost in a crash.
        }
    }
}
