package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.FetchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The built versions of one tiny kernel id, in the layout and record format of the other cache
 * items ({@code io.github.bootkernel.kernels.CacheEntries}, which is not visible from this
 * package):
 *
 * <pre>
 * tiny/
 *   current                      the directory name of the build in use, one line
 *   6.1.192-2_0123456789ab/      linux-source version _ configuration hash
 *     bzImage
 *     record.properties          id, version, configHash, sha256, size, mtime, fetched, source, ...
 *     config                     the final .config
 *     build.log                  everything the build printed
 * </pre>
 *
 * <p>An entry is filled under a temporary name and renamed into place, so a reader sees a whole
 * entry or none. A file whose size and mtime match its record is trusted; otherwise it is hashed
 * and compared with the recorded SHA-256.
 */
final class TinyCache {

    /** The record next to each image. */
    static final String RECORD = "record.properties";

    /** The pointer to the build in use. */
    static final String CURRENT = "current";

    /**
     * One cached build.
     *
     * @param dir its directory
     * @param file the image
     * @param record the record's keys and values
     */
    record Entry(Path dir, Path file, Map<String, String> record) {

        /**
         * Returns a recorded value.
         *
         * @param key the key
         * @return the value, or {@code ""}
         */
        String get(String key) {
            return record.getOrDefault(key, "");
        }
    }

    private final Path root;

    /**
     * Opens an item's directory.
     *
     * @param root the item's directory, for example {@code ~/.cache/bootkernel/tiny}
     */
    TinyCache(Path root) {
        this.root = root;
    }

    /**
     * Returns the item's directory.
     *
     * @return the directory
     */
    Path root() {
        return root;
    }

    /**
     * Returns the entry {@code current} names, if intact.
     *
     * @return the entry, or empty
     */
    Optional<Entry> current() {
        Path pointer = root.resolve(CURRENT);
        try {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return name.isEmpty() || name.contains("/") ? Optional.empty() : read(root.resolve(name));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pointer, e);
        }
    }

    /**
     * Returns the intact entry stored under a key.
     *
     * @param key the entry's directory name
     * @return the entry, or empty
     */
    Optional<Entry> at(String key) {
        return read(root.resolve(key));
    }

    /**
     * Returns the most recently built intact entry that passes a filter.
     *
     * @param filter which entries qualify
     * @return the entry, or empty
     */
    Optional<Entry> newest(Predicate<Entry> filter) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .filter(child -> !child.getFileName().toString().startsWith("."))
                    .map(TinyCache::read)
                    .flatMap(Optional::stream)
                    .filter(filter)
                    .max(Comparator.comparing((Entry e) -> e.get("fetched"))
                            .thenComparing(e -> e.dir().getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /**
     * Stores an image with its record and side files, unless an intact entry exists under the key.
     *
     * @param key the directory name
     * @param image the image to copy in
     * @param fileName its name inside the entry
     * @param record what to record; {@code file}, {@code size}, {@code sha256} and {@code mtime}
     *     are added
     * @param sideFiles further files to copy in, by name (the log, the final .config)
     * @return the stored (or already present) entry
     */
    Entry store(String key, Path image, String fileName, Map<String, String> record, Map<String, Path> sideFiles) {
        Path target = root.resolve(key);
        Optional<Entry> existing = read(target);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path staging = root.resolve(".staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            Path file = staging.resolve(fileName);
            Files.copy(image, file);
            for (Map.Entry<String, Path> side : sideFiles.entrySet()) {
                Files.copy(side.getValue(), staging.resolve(side.getKey()));
            }
            Map<String, String> full = new TreeMap<>(record);
            full.put("file", fileName);
            full.put("size", Long.toString(Files.size(file)));
            full.put("sha256", sha256(file));
            full.put("mtime", Long.toString(Files.getLastModifiedTime(file).toMillis()));
            Files.writeString(staging.resolve(RECORD), format(full), StandardCharsets.UTF_8);
            if (Files.isDirectory(target)) {
                deleteTree(target); // a broken leftover; the intact case returned above
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process stored the same build first; use its entry.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + fileName + " in " + target, e);
        } finally {
            deleteTree(staging);
        }
        return read(target).orElseThrow(() -> new FetchException(
                "the cache entry " + target + " is incomplete right after storing it"));
    }

    /**
     * Points {@code current} at an entry.
     *
     * @param entry the entry to use from now on
     */
    void makeCurrent(Entry entry) {
        Path pointer = root.resolve(CURRENT);
        Path temp = root.resolve(".current-" + UUID.randomUUID());
        try {
            Files.writeString(temp, entry.dir().getFileName() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, pointer, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pointer, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // only a stray temporary file
            }
        }
    }

    /**
     * Reads an entry and checks its image against the record.
     *
     * @param dir the entry's directory
     * @return the entry, or empty when it is missing, unreadable or does not match its record
     */
    static Optional<Entry> read(Path dir) {
        Path recordFile = dir.resolve(RECORD);
        if (!Files.isRegularFile(recordFile)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(recordFile, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Map<String, String> record = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> record.put(key, properties.getProperty(key)));
        String fileName = record.getOrDefault("file", "");
        if (fileName.isEmpty() || fileName.contains("/")) {
            return Optional.empty();
        }
        Path file = dir.resolve(fileName);
        try {
            if (!Files.isRegularFile(file) || !Long.toString(Files.size(file)).equals(record.get("size"))) {
                return Optional.empty();
            }
            String mtime = Long.toString(Files.getLastModifiedTime(file).toMillis());
            if (!mtime.equals(record.get("mtime"))) {
                if (!sha256(file).equals(record.get("sha256"))) {
                    return Optional.empty();
                }
                record.put("mtime", mtime);
                rewrite(recordFile, record);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(new Entry(dir, file, Map.copyOf(record)));
    }

    /**
     * Makes a string usable as a directory name, as the other cache items do.
     *
     * @param key for example {@code 1:6.1-1_ab12}
     * @return for example {@code 1_6.1-1_ab12}
     */
    static String dirName(String key) {
        String name = key.replaceAll("[^A-Za-z0-9.+~_-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            throw new IllegalArgumentException("unusable cache key: '" + key + "'");
        }
        return name;
    }

    /**
     * Returns the SHA-256 of a file in lower-case hex.
     *
     * @param file the file
     * @return the hash
     * @throws IOException if it cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Returns the SHA-256 of text (UTF-8) in lower-case hex.
     *
     * @param text the text
     * @return the hash
     */
    static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void rewrite(Path recordFile, Map<String, String> record) {
        Path temp = recordFile.resolveSibling(".record-" + UUID.randomUUID());
        try {
            Files.writeString(temp, format(record), StandardCharsets.UTF_8);
            Files.move(temp, recordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | IllegalArgumentException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // only a stray temporary file; the next lookup hashes again
            }
        }
    }

    /** Sorted keys, no date comment: the same record always gives the same bytes. */
    private static String format(Map<String, String> record) {
        StringBuilder out = new StringBuilder("# bootkernel cache record\n");
        record.forEach((key, value) -> {
            if (!key.matches("[A-Za-z0-9.]+") || value.chars().anyMatch(c -> c < 0x20 || c == '\\')) {
                throw new IllegalArgumentException("cannot record " + key + "=" + value);
            }
            out.append(key).append('=').append(value).append('\n');
        });
        return out.toString();
    }

    /**
     * Deletes a directory tree, ignoring what is already gone.
     *
     * @param dir the directory
     */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
