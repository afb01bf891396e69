package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.initramfs.HostPath;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Composed initramfs images kept once per content: an image is stored under the SHA-256 of its
 * bytes, {@code <cache>/images/<sha256>.cpio}, so the same composition made again (another test,
 * another JVM, the next build) finds the file already there instead of writing a new one.
 *
 * <pre>{@code
 * Path image = StoredImages.compose(Optional.of(Catalog.BUSYBOX_INITRAMFS.get().path()),
 *         List.of(HostPath.parse("target/mytool:/usr/bin/mytool")));
 * }</pre>
 *
 * <p>Files are written atomically (a reader sees a whole image or none) and touched when found
 * again; storing a new image deletes those not stored or found for {@value #KEEP_DAYS} days, so the
 * directory holds what recent builds used. {@link #compose} remembers what it made from which base
 * file ({@link PackMemo}), so that the same composition made again reads and hashes only the files
 * it adds.
 */
public final class StoredImages {

    /** Days an image unused is kept. */
    static final int KEEP_DAYS = 30;

    private static final String SUFFIX = ".cpio";

    /** The {@link PackMemo} directory of composed images, inside the images' directory. */
    static final String COMPOSED = ".composed";

    private StoredImages() {
    }

    /**
     * Joins two archives into one image. The kernel unpacks the archives of an initramfs one after
     * the other (Documentation/driver-api/early-userspace/buffer-format.rst: each starts 4-byte
     * aligned after zero padding, compressed or not), and an entry of the second replaces one of
     * the same path in the first, its mode included.
     *
     * @param first an archive, possibly compressed
     * @param second an archive, possibly compressed
     * @return {@code first}, zero bytes up to a multiple of 4, {@code second}
     */
    public static byte[] concat(byte[] first, byte[] second) {
        int padded = (first.length + 3) & ~3;
        byte[] joined = new byte[Math.addExact(padded, second.length)];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, padded, second.length);
        return joined;
    }

    /**
     * Appends host files to an image, as the command-line tool's {@code --put} and
     * {@code @BootKernel(files = ...)} do, and stores the result.
     *
     * @param base the image to start from, or empty for an image of the files alone
     * @param files what to add, in order; they go into a second archive after {@code base}, whose
     *     entries of the same path they replace
     * @return the stored image
     * @throws IllegalArgumentException if a host path is missing or unusable, or two entries clash
     * @throws UncheckedIOException if a file cannot be read or the image cannot be stored
     */
    public static Path compose(Optional<Path> base, List<HostPath> files) {
        return compose(Cache.root().resolve("images"), base, files, PackMemo.jarOf(StoredImages.class),
                Files::readAllBytes, Instant.now());
    }

    /** Reads a file; {@link Files#readAllBytes} but for tests. */
    @FunctionalInterface
    interface Reader {

        /**
         * Reads a whole file.
         *
         * @param file the file
         * @return its bytes
         * @throws IOException if it cannot be read
         */
        byte[] read(Path file) throws IOException;
    }

    /**
     * {@link #compose(Optional, List)} into a directory, with the jar that stands for this code (see
     * {@link PackMemo}), how the base is read and the time that counts as now. A {@link PackMemo}
     * in {@code <dir>/}{@value #COMPOSED} names the image made from the same base file and the same
     * added archive, which is then returned (and touched) without reading and hashing the base again.
     */
    static Path compose(Path dir, Optional<Path> base, List<HostPath> files, Optional<Path> code, Reader reader,
            Instant now) {
        Initramfs added = Initramfs.create();
        for (HostPath file : files) {
            file.addTo(added);
        }
        byte[] second = added.toBytes();
        PackMemo memo = new PackMemo(dir.resolve(COMPOSED));
        Optional<String> inputsKey = PackMemo.key(base.map(List::of).orElse(List.of()), second, code);
        Optional<Path> remembered = inputsKey.flatMap(memo::recall).flatMap(result -> stored(dir, result, now));
        if (remembered.isPresent()) {
            return remembered.get();
        }
        byte[] first = new byte[0];
        if (base.isPresent()) {
            try {
                first = reader.read(base.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the initramfs " + base.get(), e);
            }
        }
        byte[] image = concat(first, second);
        Path stored = store(dir, image, now);
        inputsKey.ifPresent(key -> memo.remember(key, stored.getFileName() + " " + image.length, now));
        return stored;
    }

    /**
     * The image a memo names, {@code <sha256>.cpio <size>}, if it is still stored with that size
     * (what {@link #store} trusts too); touched, as {@link #store} touches an image it finds again.
     */
    private static Optional<Path> stored(Path dir, String result, Instant now) {
        String[] parts = result.split(" ");
        if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}\\" + SUFFIX) || !parts[1].matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        Path file = dir.resolve(parts[0]);
        try {
            if (found(file, Long.parseLong(parts[1]), now)) {
                return Optional.of(file);
            }
        } catch (IOException e) {
            // pruned meanwhile, or unreadable: made again
        }
        return Optional.empty();
    }

    /**
     * Whether an image is stored as {@code file} with {@code size} bytes (its name is its content's
     * SHA-256, so that is trusted); if so, it is touched.
     */
    private static boolean found(Path file, long size, Instant now) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            touch(file, now);
            return true;
        }
        return false;
    }

    /**
     * Marks a stored image as used now, so pruning keeps it; best effort: in a cache the user may
     * only read (a read-only mount, another user's files) the image is still there to use, and only
     * its age is not renewed.
     */
    private static void touch(Path file, Instant now) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(now));
        } catch (IOException e) {
            // kept as it is; pruned by age by a writer of the cache, if any
        }
    }

    /**
     * Stores an image in {@link Cache#root() the cache} unless the same bytes are stored already.
     *
     * @param image the image's bytes
     * @return the file holding them, {@code <cache>/images/<sha256>.cpio}
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path store(byte[] image) {
        return store(Cache.root().resolve("images"), image, Instant.now());
    }

    /** {@link #store(byte[])} into a directory, with the time that counts as now. */
    static Path store(Path dir, byte[] image, Instant now) {
        Objects.requireNonNull(image, "image");
        Path file = dir.resolve(CacheEntries.sha256(image) + SUFFIX);
        try {
            if (found(file, image.length, now)) {
                return file;
            }
            AtomicFiles.write(file, temporary -> Files.write(temporary, image));
            touch(file, now);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an initramfs image as " + file + ": " + e, e);
        }
        prune(dir, now.minus(Duration.ofDays(KEEP_DAYS)));
        return file;
    }

    /** Deletes stored images last used before {@code cutoff}; best effort (another JVM may race). */
    private static void prune(Path dir, Instant cutoff) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path old : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                try {
                    if (Files.getLastModifiedTime(old).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(old);
                    }
                } catch (NoSuchFileException gone) {
                    // pruned by another JVM
                }
            }
        } catch (IOException e) {
            // Keeping an old image costs disk space only.
        }
    }
}
