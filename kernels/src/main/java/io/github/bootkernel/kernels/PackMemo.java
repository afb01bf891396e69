package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which cache entry an image packed from given files went to, so that a later lookup with the same
 * files finds the entry without packing and hashing them again: one small file per set of inputs,
 * {@code <item>/.packed/<sha256 of the inputs>}, holding the entry's key.
 *
 * <p>The inputs are each file's path, size and modification time, and the packing code's: the jar
 * it was loaded from, by the same three. Code loaded from a directory (a build's
 * {@code target/classes}) has no such identity, so it gets no memo and packs every time, as does a
 * lookup whose files changed. A memo that names no intact entry is ignored; one that cannot be
 * written only costs the next lookup a pack. Writing a memo deletes those written more than
 * {@value #KEEP_DAYS} days ago (one is made again by the next pack).
 *
 * <p>Why: {@link BusyboxImage} packs about 3.4 MB and hashes it to know its key; in a fresh JVM
 * on a slow, emulated CPU (the nested VM of {@code docs/performance.md}) that cost the command-line
 * tool about 1.8 s of its start before the guest ran, 0.12 s on the host.
 */
final class PackMemo {

    /** The memo directory inside the item's directory; a dot name, which no entry can have. */
    static final String DIR = ".packed";

    /** Days after which a memo is deleted when another one is written. */
    static final int KEEP_DAYS = 30;

    private static final Pattern ENTRY_KEY = Pattern.compile("[A-Za-z0-9+~_-][A-Za-z0-9.+~_-]*");

    private static final Pattern INPUTS_KEY = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    /**
     * Opens the memos of one item.
     *
     * @param itemRoot the item's directory in the cache, {@link CacheEntries#root()}
     */
    PackMemo(Path itemRoot) {
        this.dir = itemRoot.resolve(DIR);
    }

    /**
     * The identity of the jar a class was loaded from.
     *
     * @param type the class
     * @return the jar, or empty when the class came from a directory or from nowhere a path names
     */
    static Optional<Path> jarOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * The key of a set of inputs.
     *
     * @param files the files packed, in packing order
     * @param code the jar of the packing code, or empty for code without an identity
     * @return the SHA-256 of each file's and the jar's path, size and modification time, or empty
     *     without a jar or when a file cannot be examined
     */
    static Optional<String> key(List<Path> files, Optional<Path> code) {
        if (code.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder inputs = new StringBuilder();
        try {
            for (Path file : Stream.concat(files.stream(), Stream.of(code.get())).toList()) {
                Path absolute = file.toAbsolutePath().normalize();
                BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
                inputs.append(absolute).append('\u0000').append(attributes.size()).append('\u0000')
                        .append(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)).append('\n');
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(CacheEntries.sha256(inputs.toString()));
    }

    /**
     * The entry key remembered for a set of inputs.
     *
     * @param inputsKey from {@link #key}
     * @return the key as {@link CacheEntries#at} takes it, or empty if none is remembered or the
     *     memo is damaged
     */
    Optional<String> recall(String inputsKey) {
        requireInputsKey(inputsKey);
        try {
            String entryKey = Files.readString(dir.resolve(inputsKey), StandardCharsets.UTF_8).strip();
            return ENTRY_KEY.matcher(entryKey).matches() ? Optional.of(entryKey) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) { // unreadable, or not UTF-8: as if absent
            return Optional.empty();
        }
    }

    /**
     * Remembers the entry an image packed from a set of inputs went to; best effort.
     *
     * @param inputsKey from {@link #key}
     * @param entryKey the entry's key, a directory name
     * @param now the time that counts as now, for deleting old memos
     */
    void remember(String inputsKey, String entryKey, Instant now) {
        if (!ENTRY_KEY.matcher(entryKey).matches()) {
            throw new IllegalArgumentException("not an entry key: '" + entryKey + "'");
        }
        requireInputsKey(inputsKey);
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(inputsKey), entryKey + "\n");
        } catch (IOException e) {
            return; // the next lookup packs again
        }
        prune(now.minus(Duration.ofDays(KEEP_DAYS)));
    }

    private static void requireInputsKey(String inputsKey) {
        if (!INPUTS_KEY.matcher(inputsKey).matches()) {
            throw new IllegalArgumentException("not a key from PackMemo.key: '" + inputsKey + "'");
        }
    }

    /** Deletes memos written before {@code cutoff}; best effort (another JVM may race). */
    private void prune(Instant cutoff) {
        try (Stream<Path> memos = Files.list(dir)) {
            for (Path memo : memos.filter(m -> !AtomicFiles.isTemporary(m.getFileName().toString())).toList()) {
                try {
                    FileTime written = Files.getLastModifiedTime(memo);
                    if (written.toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(memo);
                    }
                } catch (NoSuchFileException gone) {
                    // pruned by another JVM
                }
            }
        } catch (IOException e) {
            // An old memo costs a few bytes only.
        }
    }
}
