package io.github.bootkernel.junit;

import io.github.bootkernel.engine.Snapshot;
import io.github.bootkernel.engine.SnapshotFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The snapshot files of template guests ({@link BootKernel#fromSnapshot()}) kept across JVMs and
 * runs in one directory, {@code <bootkernel cache>/snapshots/} by default: one entry per
 * configuration and host, so a template is booted once per machine and configuration until an
 * input changes, and every later run loads its file ({@code Snapshot.load}) instead.
 *
 * <p>An entry is a directory {@code t-<32 hex digits>} named by the SHA-256 of its key
 * ({@link #keyText}): the template's configuration ({@link TemplateKey}, the kernel and initramfs
 * by content, not by path; not the KVM device), {@link Snapshot#hostIdentity} and
 * {@link Snapshot#FILE_FORMAT}. So a changed input names another entry, and the host and a nested
 * VM sharing the cache keep theirs apart. It holds
 * <ul>
 *   <li>{@value #SNAPSHOT}: the snapshot file ({@code Snapshot.save});
 *   <li>{@value #RECORD}: the boot's {@link TemplateRecord} (who booted it, when, its phases);
 *   <li>{@value #CONSOLE}: the boot's console up to the snapshot;
 *   <li>{@value #KEY}: the key in words, for people.
 * </ul>
 * An entry is written whole in a temporary directory ({@code .tmp-*}) and renamed into place
 * ({@link StandardCopyOption#ATOMIC_MOVE}), and removed by renaming it away ({@code .del-*})
 * before its files are deleted: a reader sees a whole entry or none. Its directory's modification
 * time is its last use (set at each load), which {@link #prune} goes by.
 */
final class SnapshotCache {

    /** An entry not used for this long is deleted by the next {@link #prune}. */
    static final Duration UNUSED_LIMIT = Duration.ofDays(14);
    /** The entries kept by {@link #prune}: the most recently used ones. */
    static final int MAX_ENTRIES = 16;
    /** A temporary directory older than this was left by a writer that died; {@link #prune} deletes it. */
    static final Duration ABANDONED_LIMIT = Duration.ofDays(1);

    static final String SNAPSHOT = "snapshot.bin";
    static final String RECORD = "template.properties";
    static final String CONSOLE = "console.txt";
    static final String KEY = "key.txt";

    private static final Pattern ENTRY = Pattern.compile("t-[0-9a-f]{32}");
    private static final String TEMPORARY = ".tmp-";
    private static final String DELETED = ".del-";

    private final Path dir;

    /** @param dir the cache's directory; created when the first entry is saved */
    SnapshotCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** @return the directory */
    Path dir() {
        return dir;
    }

    /**
     * The entry of a template on this host.
     *
     * @param key the template's configuration
     * @param hostIdentity {@link Snapshot#hostIdentity} of the KVM device the template runs on
     */
    Entry entry(TemplateKey key, String hostIdentity) {
        String text = keyText(key, hostIdentity, Snapshot.FILE_FORMAT);
        return new Entry(dir.resolve("t-" + sha256(text).substring(0, 32)), text, key);
    }

    /**
     * The key of an entry in words, one field a line; its SHA-256 names the entry. Files are
     * named by content and size only, so the same kernel in two checkouts is one entry.
     */
    static String keyText(TemplateKey key, String hostIdentity, int fileFormat) {
        return "snapshot file format: " + fileFormat + "\n"
                + "host identity: " + hostIdentity + "\n"
                + "kernel: sha256 " + key.kernel().sha256() + ", " + key.kernel().size() + " bytes\n"
                + "initramfs: " + key.initrd().map(i -> "sha256 " + i.sha256() + ", " + i.size() + " bytes")
                        .orElse("none") + "\n"
                + "cmdline: " + key.cmdline() + "\n"
                + "memory: " + key.memoryMiB() + " MiB\n"
                + "vCPUs: " + key.cpus() + "\n"
                + "ready line: " + key.readyLine() + "\n"
                + "agent: " + key.agent() + "\n"
                + "kernel log: " + key.kernelLog() + "\n";
    }

    /**
     * An entry that exists but cannot be used: its snapshot file was refused by
     * {@code Snapshot.load} (the reason is {@link SnapshotFileException#reason()}'s name) or its
     * record is missing or damaged ({@code RECORD}).
     */
    static final class Unusable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;
        private final String reason;

        Unusable(Path file, String reason, String message, Throwable cause) {
            super(message, cause);
            this.file = file;
            this.reason = reason;
        }

        /** @return the file that cannot be used */
        Path file() {
            return file;
        }

        /** @return why: a {@link SnapshotFileException.Reason} name, or {@code RECORD} */
        String reason() {
            return reason;
        }
    }

    /** A loaded entry: what the loader made of its snapshot file, and its record. */
    record Hit<T>(T snapshot, TemplateRecord record, Path file) {
    }

    /** One entry: a configuration on this host. */
    final class Entry {
        private final Path path;
        private final String keyText;
        private final TemplateKey key;

        private Entry(Path path, String keyText, TemplateKey key) {
            this.path = path;
            this.keyText = keyText;
            this.key = key;
        }

        /** @return the entry's directory (it may not exist) */
        Path path() {
            return path;
        }

        /** @return its snapshot file */
        Path snapshotFile() {
            return path.resolve(SNAPSHOT);
        }

        /** @return its lock file, {@code t-<hex>.lock} beside it */
        Path lockFile() {
            return path.resolveSibling(path.getFileName() + ".lock");
        }

        /**
         * Loads the entry, if it is there, and records the use.
         *
         * @param loader reads the snapshot file ({@code Snapshot.load}); may throw
         *     {@link SnapshotFileException}
         * @return the snapshot and the record; empty if there is no entry (or it went away meanwhile)
         * @throws Unusable if the entry is there but cannot be used
         * @throws UncheckedIOException if the directory cannot be read
         */
        <T> Optional<Hit<T>> load(Function<Path, T> loader) {
            if (!Files.isDirectory(path)) {
                return Optional.empty();
            }
            TemplateRecord record;
            try {
                record = TemplateRecord.parse(Files.readString(path.resolve(RECORD), StandardCharsets.ISO_8859_1),
                        Files.readString(path.resolve(CONSOLE), StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                if (!Files.isDirectory(path)) {
                    return Optional.empty(); // removed meanwhile
                }
                Path missing = e.getFile() == null ? path : Path.of(e.getFile());
                throw new Unusable(missing, "RECORD", "cache entry " + path + " has no " + missing.getFileName(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cache entry " + path, e);
            } catch (IllegalArgumentException e) {
                throw new Unusable(path.resolve(RECORD), "RECORD", "cache entry " + path + ": damaged "
                        + RECORD + ": " + e.getMessage(), e);
            }
            T snapshot;
            try {
                snapshot = loader.apply(snapshotFile());
            } catch (SnapshotFileException e) {
                if (e.reason() == SnapshotFileException.Reason.MISSING && !Files.isDirectory(path)) {
                    return Optional.empty(); // removed meanwhile
                }
                throw new Unusable(e.file(), e.reason().name(), e.getMessage(), e);
            }
            try {
                Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
            } catch (IOException e) {
                // Only the pruning's order depends on it; the snapshot is loaded.
            }
            return Optional.of(new Hit<>(snapshot, record, snapshotFile()));
        }

        /**
         * Writes the entry whole: in a temporary directory beside it, renamed into place. If an
         * entry appeared meanwhile (another JVM saved the same template), that one stays and this
         * one is dropped: both are snapshots of the same configuration.
         *
         * @param writer writes the snapshot file to the path given ({@code Snapshot.save})
         * @param record the boot's record
         * @return whether this call's entry was put in place
         * @throws IOException if a file cannot be written or renamed; nothing is left then
         */
        boolean save(Consumer<Path> writer, TemplateRecord record) throws IOException {
            Files.createDirectories(dir);
            Path temporary = dir.resolve(TEMPORARY + path.getFileName() + "-" + UUID.randomUUID());
            try {
                Files.createDirectory(temporary);
                Files.writeString(temporary.resolve(KEY), "# bootkernel snapshot cache entry " + path.getFileName()
                        + ": the SHA-256 of the lines below names it\n" + keyText + "# first saved for "
                        + record.bootedFor() + ", " + record.takenAt() + "\n# " + key.describe() + "\n",
                        StandardCharsets.UTF_8);
                Files.writeString(temporary.resolve(CONSOLE), record.console(), StandardCharsets.UTF_8);
                Files.writeString(temporary.resolve(RECORD), record.text(), StandardCharsets.ISO_8859_1);
                try {
                    writer.accept(temporary.resolve(SNAPSHOT));
                } catch (SnapshotFileException e) {
                    throw new IOException(e.getMessage(), e);
                }
                try {
                    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // rename(2) onto an entry that exists fails with ENOTEMPTY, which the JDK reports
                    // as DirectoryNotEmptyException or a plain FileSystemException.
                    if (Files.isDirectory(path)) {
                        return false;
                    }
                    throw e;
                }
                Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
                return true;
            } finally {
                deleteTree(temporary);
            }
        }

        /**
         * Removes the entry: renamed away at once, then its files deleted. Best effort. Its lock
         * file stays: the caller may hold it.
         */
        void delete() {
            remove(path);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * Keeps the cache small, after a save: deletes temporary directories older than
     * {@link #ABANDONED_LIMIT}, entries not used for {@link #UNUSED_LIMIT}, then all but the
     * {@link #MAX_ENTRIES} most recently used. Best effort: what cannot be deleted is left for the
     * next time.
     *
     * @param now the time to measure ages from
     * @return the entries deleted
     */
    List<Path> prune(Instant now) {
        List<Path> deleted = new ArrayList<>();
        List<Path> entries = new ArrayList<>();
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.toList();
        } catch (IOException e) {
            return deleted;
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            Optional<Instant> modified = modified(child);
            if (modified.isEmpty()) {
                continue;
            }
            if (name.startsWith(TEMPORARY) || name.startsWith(DELETED)) {
                if (modified.get().isBefore(now.minus(ABANDONED_LIMIT))) {
                    deleteTree(child);
                }
            } else if (ENTRY.matcher(name).matches() && Files.isDirectory(child)) {
                if (modified.get().isBefore(now.minus(UNUSED_LIMIT))) {
                    remove(child);
                    deleted.add(child);
                } else {
                    entries.add(child);
                }
            }
        }
        entries.sort(Comparator.comparing((Path p) -> modified(p).orElse(Instant.MIN)).reversed());
        for (Path old : entries.subList(Math.min(MAX_ENTRIES, entries.size()), entries.size())) {
            remove(old);
            deleted.add(old);
        }
        for (Path entry : deleted) {
            try {
                Files.deleteIfExists(entry.resolveSibling(entry.getFileName() + ".lock"));
            } catch (IOException ignored) {
                // Left for the next time.
            }
        }
        return deleted;
    }

    private void remove(Path entry) {
        Path away = dir.resolve(DELETED + entry.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.move(entry, away, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return; // gone already, or not removable now
        }
        deleteTree(away);
    }

    private static Optional<Instant> modified(Path path) {
        try {
            return Optional.of(Files.getLastModifiedTime(path).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Deletes a directory and its files (one level: an entry has no subdirectories). Best effort. */
    private static void deleteTree(Path path) {
        try (Stream<Path> files = Files.list(path)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // Missing, or partly deleted: the rest is left for prune.
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Left for prune.
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's specification)", e);
        }
    }
}
