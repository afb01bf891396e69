package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The versions of one cached item, for example {@code ~/.cache/bootkernel/debian-cloud/}:
 *
 * <pre>
 * debian-cloud/
 *   current                  the directory name of the version in use, one line
 *   6.1.192-2/
 *     vmlinuz                the file itself
 *     record.properties      where it came from: package, version, sha256, size, mtime, fetch date
 * </pre>
 *
 * <p>A version directory is filled under a temporary name and renamed into place, so a reader sees
 * either a complete entry or none, and two processes filling the same version at once both end up
 * with the one that was renamed first.
 */
final class CacheEntries {

    /** The record written next to each cached file. */
    static final String RECORD = "record.properties";

    /** The pointer to the version in use. */
    static final String CURRENT = "current";

    /**
     * One cached version: its directory, its file and its record.
     *
     * @param dir the version directory
     * @param file the cached file
     * @param record the record's keys and values
     */
    record Entry(Path dir, Path file, Map<String, String> record) {

        /**
         * Returns a value from the record.
         *
         * @param key the key
         * @return the value, or {@code ""} when absent
         */
        String get(String key) {
            return record.getOrDefault(key, "");
        }
    }

    private final String id;
    private final Path root;

    /**
     * Opens the entries of one item.
     *
     * @param id the item's id, also its directory name in the cache
     */
    CacheEntries(String id) {
        this.id = id;
        this.root = Cache.dir(id);
    }

    /**
     * Returns the version the {@code current} pointer names, if that entry is intact.
     *
     * @return the entry, or empty
     */
    Optional<Entry> current() {
        Path pointer = root.resolve(CURRENT);
        try {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return name.isEmpty() ? Optional.empty() : read(root.resolve(name));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pointer, e);
        }
    }

    /**
     * Returns the intact entry of a version.
     *
     * @param version the version as recorded
     * @return the entry, or empty
     */
    Optional<Entry> version(String version) {
        return read(root.resolve(dirName(version)));
    }

    /**
     * Returns the most recently fetched intact entry; used when no {@code current} pointer is left.
     *
     * @return the entry, or empty
     */
    Optional<Entry> newest() {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                if (Files.isDirectory(child) && !child.getFileName().toString().startsWith(".")) {
                    read(child).ifPresent(entries::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return entries.stream().max(Comparator.comparing((Entry e) -> e.get("fetched"))
                .thenComparing(e -> e.dir().getFileName().toString()));
    }

    /**
     * Stores a file as a version, unless an intact entry for that version exists already.
     *
     * @param version the version, also (made file-name safe) the directory name
     * @param source the file to copy into the cache
     * @param fileName the name of the file inside the version directory
     * @param record what to record about it; {@code file}, {@code size} and {@code sha256} are added
     * @return the stored (or already present) entry
     */
    Entry store(String version, Path source, String fileName, Map<String, String> record) {
        Path target = root.resolve(dirName(version));
        Optional<Entry> existing = read(target);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path staging = root.resolve(".staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            Path file = staging.resolve(fileName);
            Files.copy(source, file);
            Map<String, String> full = new TreeMap<>(record);
            full.put("id", id);
            full.put("version", version);
            full.put("file", fileName);
            full.put("size", Long.toString(Files.size(file)));
            full.put("sha256", sha256(file));
            full.put("mtime", Long.toString(Files.getLastModifiedTime(file).toMillis()));
            Files.writeString(staging.resolve(RECORD), format(full), StandardCharsets.UTF_8);
            if (Files.isDirectory(target)) {
                // A broken leftover (the intact case returned above): move it out of the way.
                deleteTree(target);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process stored the same version first; use its entry.
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
                // Only a stray temporary file.
            }
        }
    }

    /**
     * Returns the cache directory of this item.
     *
     * @return the directory
     */
    Path root() {
        return root;
    }

    /**
     * Reads an entry and checks that its file matches the recorded size and, unless its mtime is
     * still the recorded one, the recorded SHA-256.
     *
     * @param dir the version directory
     * @return the entry, or empty when it is missing or does not match its record
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
            // Hashing costs seconds in a slow emulated VM; a file untouched since it was stored (same
            // size and mtime as recorded) is trusted, anything else is hashed and compared.
            String mtime = Long.toString(Files.getLastModifiedTime(file).toMillis());
            if (!mtime.equals(record.get("mtime"))) {
                if (!sha256(file).equals(record.get("sha256"))) {
                    return Optional.empty();
                }
                // Intact but touched (or recorded before mtimes were): remember the new mtime.
                record.put("mtime", mtime);
                rewriteRecord(recordFile, record);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(new Entry(dir, file, Map.copyOf(record)));
    }

    /** Replaces a record atomically; a failure only means the next lookup hashes again. */
    private static void rewriteRecord(Path recordFile, Map<String, String> record) {
        Path temp = recordFile.resolveSibling(".record-" + UUID.randomUUID());
        try {
            Files.writeString(temp, format(record), StandardCharsets.UTF_8);
            Files.move(temp, recordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | IllegalArgumentException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Only a stray temporary file.
            }
        }
    }

    /**
     * Makes a version usable as a directory name: {@code 1:1.35.0-4} becomes {@code 1_1.35.0-4}.
     *
     * @param version a Debian version or a hash
     * @return the directory name
     */
    static String dirName(String version) {
        String name = version.replaceAll("[^A-Za-z0-9.+~_-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            throw new IllegalArgumentException("unusable version for a cache directory: '" + version + "'");
        }
        return name;
    }

    /**
     * Returns the SHA-256 of a file in lower-case hex.
     *
     * @param file the file
     * @return the hash
     * @throws IOException if the file cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Returns the SHA-256 of bytes in lower-case hex.
     *
     * @param bytes the bytes
     * @return the hash
     */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Writes a record as a properties file with sorted keys and no date comment, so the same
     * record always gives the same bytes.
     */
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
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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
