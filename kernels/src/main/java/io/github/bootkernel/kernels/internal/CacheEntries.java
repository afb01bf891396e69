package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.Cache;
import io.github.bootkernel.kernels.FetchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The versions of one cached item, for example {@code ~/.cache/bootkernel/debian-cloud/}:
 *
 * <pre>
 * debian-cloud/
 *   current                  the directory name of the version in use, one line
 *   6.1.192-2/               the entry's key, made file-name safe
 *     vmlinuz                the file itself
 *     record.properties      where it came from: package, version, sha256, size, mtime, fetch date
 *     ...                    side files stored with it, for example a build's config and log
 * </pre>
 *
 * <p>Every change happens under the item's {@link ItemLock} ({@code <cache>/<id>.lock}), which
 * {@link #store}, {@link #adopt} and {@link #makeCurrent} take themselves (it is reentrant, so a
 * producer holds it across checking, producing and recording). An entry's files are written with
 * {@link AtomicFiles} and its record last, so a reader without the lock sees a complete entry or
 * none; an entry without an intact record is only ever replaced under the lock, so no process
 * deletes an entry another one has just stored. A file whose size and mtime match its record, and
 * whose record was written in a later clock tick than that mtime, is trusted; otherwise it is
 * hashed and compared with the recorded SHA-256.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class CacheEntries {

    /** The record written next to each cached file. */
    public static final String RECORD = "record.properties";

    /** The pointer to the version in use. */
    public static final String CURRENT = "current";

    /**
     * One cached version: its directory, its file and its record.
     *
     * @param dir the version directory
     * @param file the cached file
     * @param record the record's keys and values
     */
    public record Entry(Path dir, Path file, Map<String, String> record) {

        /**
         * Returns a value from the record.
         *
         * @param key the key
         * @return the value, or {@code ""} when absent
         */
        public String get(String key) {
            return record.getOrDefault(key, "");
        }
    }

    private final String id;
    private final Path root;

    /**
     * Opens the entries of one item in the {@link Cache#root() cache}.
     *
     * @param id the item's id, also its directory name in the cache
     */
    public CacheEntries(String id) {
        this(Cache.root(), id);
    }

    /**
     * Opens the entries of one item in a given cache, creating its directory if needed.
     *
     * @param cacheRoot the cache root, normally {@link Cache#root()}
     * @param id the item's id, also its directory name in the cache
     */
    public CacheEntries(Path cacheRoot, String id) {
        this.id = id;
        this.root = cacheRoot.resolve(id);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /**
     * Returns the cache directory of this item.
     *
     * @return the directory
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the version the {@code current} pointer names, if that entry is intact.
     *
     * @return the entry, or empty
     */
    public Optional<Entry> current() {
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
     * @param key the key it was stored under, for example a Debian version
     * @return the entry, or empty
     */
    public Optional<Entry> at(String key) {
        return read(root.resolve(dirName(key)));
    }

    /**
     * Returns the most recently fetched intact entry; used when no {@code current} pointer is left.
     *
     * @return the entry, or empty
     */
    public Optional<Entry> newest() {
        return newest(entry -> true);
    }

    /**
     * Returns the most recently fetched intact entry that passes a filter, for example the newest
     * build of one configuration.
     *
     * @param filter which entries qualify
     * @return the entry, or empty
     */
    public Optional<Entry> newest(Predicate<Entry> filter) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .filter(child -> !child.getFileName().toString().startsWith("."))
                    .map(CacheEntries::read)
                    .flatMap(Optional::stream)
                    .filter(filter)
                    .max(Comparator.comparing((Entry e) -> e.get("fetched"))
                            .thenComparing(e -> e.dir().getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /**
     * Stores a file under a key, unless an intact entry for that key exists already.
     *
     * @param key the key, usually the version; made file-name safe, it is the directory name
     * @param source the file to copy into the cache
     * @param fileName the name of the file inside the entry
     * @param record what to record about it; {@code id}, {@code file}, {@code size},
     *     {@code sha256} and {@code mtime} are added, and {@code version} (the key) unless given
     * @return the stored (or already present) entry
     */
    public Entry store(String key, Path source, String fileName, Map<String, String> record) {
        return store(key, source, fileName, record, Map.of());
    }

    /**
     * Stores a file and side files under a key, unless an intact entry for that key exists already.
     * Only the file is checked against the record on lookups.
     *
     * @param key the key, usually the version; made file-name safe, it is the directory name
     * @param source the file to copy into the cache
     * @param fileName the name of the file inside the entry
     * @param record what to record about it; {@code id}, {@code file}, {@code size},
     *     {@code sha256} and {@code mtime} are added, and {@code version} (the key) unless given
     * @param sideFiles further files to copy into the entry, by name, for example a build log
     * @return the stored (or already present) entry
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public Entry store(String key, Path source, String fileName, Map<String, String> record,
                       Map<String, Path> sideFiles) {
        Path target = root.resolve(dirName(key));
        try (ItemLock lock = lock()) {
            Optional<Entry> existing = read(target);
            if (existing.isPresent()) {
                return existing.get();
            }
            // Not intact (a killed writer's half, or a damaged file): nobody can be using it.
            AtomicFiles.deleteTree(target);
            Files.createDirectories(target);
            Path file = target.resolve(fileName);
            AtomicFiles.copy(source, file);
            for (Map.Entry<String, Path> side : sideFiles.entrySet()) {
                AtomicFiles.copy(side.getValue(), target.resolve(side.getKey()));
            }
            Map<String, String> full = new TreeMap<>(record);
            full.putIfAbsent("version", key);
            writeRecord(target, fileName, full);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + fileName + " in " + target, e);
        }
        return read(target).orElseThrow(() -> new FetchException(
                "the cache entry " + target + " is incomplete right after storing it"));
    }

    /** Makes a file to store, in an empty temporary directory outside the cache. */
    @FunctionalInterface
    public interface Builder {

        /**
         * Makes the file.
         *
         * @param work an empty directory, deleted afterwards
         * @return the file made, inside {@code work}
         * @throws IOException if making it fails
         */
        Path build(Path work) throws IOException;
    }

    /**
     * Makes a file in a temporary directory (which is deleted afterwards, whatever happens) and
     * stores it under a key, as {@link #store(String, Path, String, Map)} does.
     *
     * @param key the key
     * @param fileName the name of the file inside the entry
     * @param record what to record about it; the builder may add to it
     * @param builder makes the file
     * @return the stored entry
     * @throws IOException if the temporary directory cannot be made or the builder fails
     */
    public Entry storeBuilt(String key, String fileName, Map<String, String> record, Builder builder)
            throws IOException {
        return storeBuilt(key, fileName, record, new TreeMap<>(), builder);
    }

    /**
     * Makes a file and side files in a temporary directory (deleted afterwards, whatever happens)
     * and stores them under a key, as {@link #store(String, Path, String, Map, Map)} does.
     *
     * @param key the key
     * @param fileName the name of the file inside the entry
     * @param record what to record about it; the builder may add to it
     * @param sideFiles the side files to store with it, by name; the builder adds those it made
     * @param builder makes the file
     * @return the stored entry
     * @throws IOException if the temporary directory cannot be made or the builder fails
     */
    public Entry storeBuilt(String key, String fileName, Map<String, String> record, Map<String, Path> sideFiles,
                            Builder builder) throws IOException {
        Path work = Files.createTempDirectory("bootkernel-" + id + "-");
        try {
            Path file = builder.build(work);
            return store(key, file, fileName, record, sideFiles);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /**
     * Adds a side file to an intact entry that lacks it, for entries stored before the item kept
     * that file (a Debian kernel's {@code config}, for example). The file is written atomically
     * under the item's lock, and never replaces one that is there already.
     *
     * @param entry the entry
     * @param name the side file's name inside the entry
     * @param source the file to copy
     * @return the side file in the entry
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public Path addSideFile(Entry entry, String name, Path source) {
        Path target = entry.dir().resolve(name);
        if (name.isEmpty() || name.contains("/") || name.equals(RECORD) || name.equals(entry.get("file"))) {
            throw new IllegalArgumentException("not a side file name: '" + name + "'");
        }
        try (ItemLock lock = lock()) {
            if (!Files.isRegularFile(target)) {
                AtomicFiles.copy(source, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add " + name + " to " + entry.dir(), e);
        }
        return target;
    }

    /**
     * Records a file that an earlier version of this module left in an entry without a record
     * (its writes were atomic, so the file is complete), unless the entry is intact already.
     *
     * @param key the entry's key
     * @param fileName the file's name inside the entry
     * @param record what to record about it, as for {@link #store}
     * @return the entry, or empty when there is no such file
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public Optional<Entry> adopt(String key, String fileName, Map<String, String> record) {
        Path target = root.resolve(dirName(key));
        try (ItemLock lock = lock()) {
            Optional<Entry> existing = read(target);
            if (existing.isPresent() || !Files.isRegularFile(target.resolve(fileName))) {
                return existing;
            }
            Map<String, String> full = new TreeMap<>(record);
            full.putIfAbsent("version", key);
            writeRecord(target, fileName, full);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + fileName + " in " + target, e);
        }
        return read(target);
    }

    /**
     * Takes this item's lock, which {@link #store}, {@link #adopt} and {@link #makeCurrent} take too.
     *
     * @return the held lock
     */
    public ItemLock lock() {
        return lock(line -> { });
    }

    /**
     * Takes this item's lock, saying when it waits for another process.
     *
     * @param waiting told when another process holds the lock
     * @return the held lock
     */
    public ItemLock lock(Consumer<String> waiting) {
        return ItemLock.acquire(root, line -> waiting.accept(id + ": " + line));
    }

    /**
     * Returns the item's id.
     *
     * @return the id, also its directory's name
     */
    public String id() {
        return id;
    }

    /**
     * Tells whether the {@code current} pointer names an entry.
     *
     * @param entry the entry
     * @return whether it is the current one
     */
    public boolean isCurrent(Entry entry) {
        try {
            return Files.readString(root.resolve(CURRENT), StandardCharsets.UTF_8).trim()
                    .equals(entry.dir().getFileName().toString());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Points {@code current} at an entry.
     *
     * @param entry the entry to use from now on
     */
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public void makeCurrent(Entry entry) {
        Path pointer = root.resolve(CURRENT);
        try (ItemLock lock = lock()) {
            AtomicFiles.writeString(pointer, entry.dir().getFileName() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pointer, e);
        }
    }

    /** Writes the record of a stored file, adding what is measured on it; the record goes last. */
    private void writeRecord(Path target, String fileName, Map<String, String> record) throws IOException {
        Path file = target.resolve(fileName);
        record.put("id", id);
        record.put("file", fileName);
        record.put("size", Long.toString(Files.size(file)));
        record.put("sha256", sha256(file));
        record.put("mtime", Long.toString(Files.getLastModifiedTime(file).toMillis()));
        AtomicFiles.writeString(target.resolve(RECORD), format(record));
    }

    /**
     * Reads an entry and checks that its file matches the recorded size and, unless its mtime is
     * still the recorded one and older than the record, the recorded SHA-256.
     *
     * @param dir the version directory
     * @return the entry, or empty when it is missing, unreadable or does not match its record
     */
    public static Optional<Entry> read(Path dir) {
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
            // size and mtime as recorded) is trusted, anything else is hashed and compared. File
            // times tick coarsely (a jiffy on Linux), so a change in the tick the file was recorded
            // in keeps its mtime: as git does with its index ("racy git"), the mtime is trusted only
            // if the record was written in a later tick than the file's mtime.
            long modified = Files.getLastModifiedTime(file).toMillis();
            String mtime = Long.toString(modified);
            boolean untouched = mtime.equals(record.get("mtime"))
                    && modified < Files.getLastModifiedTime(recordFile).toMillis();
            if (!untouched) {
                if (!sha256(file).equals(record.get("sha256"))) {
                    return Optional.empty();
                }
                // Intact but touched, recorded in its own tick, or recorded before mtimes were:
                // record the mtime again (a later record makes the next lookup trust it).
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
        try {
            AtomicFiles.writeString(recordFile, format(record));
        } catch (IOException | IllegalArgumentException e) {
            // The next lookup hashes the file again.
        }
    }

    /**
     * Makes a key usable as a directory name: {@code 1:1.35.0-4} becomes {@code 1_1.35.0-4}. A
     * name that is already safe stays as it is.
     *
     * @param key a Debian version, a hash, or a version and a hash
     * @return the directory name
     */
    public static String dirName(String key) {
        String name = key.replaceAll("[^A-Za-z0-9.+~_-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            throw new IllegalArgumentException("unusable key for a cache directory: '" + key + "'");
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
    public static String sha256(Path file) throws IOException {
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
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    /**
     * Returns the SHA-256 of text, encoded as UTF-8, in lower-case hex.
     *
     * @param text the text
     * @return the hash
     */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
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
}
