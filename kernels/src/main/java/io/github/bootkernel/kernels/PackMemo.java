package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a file made from other files came out as, so that a later call with the same inputs finds
 * the result without reading, packing and hashing them again: one small file per set of inputs,
 * {@code <dir>/<sha256 of the inputs>}, holding one line that names the result (an entry's key, a
 * stored image's name).
 *
 * <p>The inputs are each file's path, size, modification and change times and inode number, any
 * other bytes the result depends on, and the making code's jar, by the same. A file rewritten in
 * place changes its change time even when its size and modification time are kept (as
 * {@code cp -p} or a reproducible build keeps them). Code loaded from a directory (a build's
 * {@code target/classes}) has no such identity, so it gets no memo and does the work every time,
 * as does a call whose inputs changed. A memo whose result is gone is ignored by the caller; one
 * that cannot be written only costs the next call the work. Writing a memo deletes those written
 * more than {@value #KEEP_DAYS} days ago (one is made again by the next call that does the work).
 *
 * <p>Why: {@link BusyboxImage} packs about 3.4 MB and hashes it to know its key, and
 * {@link StoredImages#compose} reads and hashes the image it appends to; in a fresh JVM on a slow,
 * emulated CPU (the nested VM of {@code docs/performance.md}) each cost the command-line tool one
 * to four seconds of its start before the guest ran (0.05 to 0.13 s on one host CPU).
 */
final class PackMemo {

    /** The memo directory of the busybox image inside its item's directory: a dot name, which no entry has. */
    static final String DIR = ".packed";

    /** Days after which a memo is deleted when another one is written. */
    static final int KEEP_DAYS = 30;

    private static final Pattern RESULT = Pattern.compile("[A-Za-z0-9+~_-][A-Za-z0-9.+~_ -]*");

    private static final Pattern INPUTS_KEY = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    /**
     * Opens a memo directory, which is made when the first memo is written.
     *
     * @param dir the directory, for example {@code <item>/}{@value #DIR}
     */
    PackMemo(Path dir) {
        this.dir = dir;
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
     * @param files the files the result is made from, in order
     * @param more other bytes the result depends on, or an empty array
     * @param code the jar of the making code, or empty for code without an identity
     * @return the SHA-256 of each file's and the jar's identity and of {@code more}, or empty
     *     without a jar or when a file cannot be examined
     */
    static Optional<String> key(List<Path> files, byte[] more, Optional<Path> code) {
        if (code.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder inputs = new StringBuilder();
        try {
            for (Path file : Stream.concat(files.stream(), Stream.of(code.get())).toList()) {
                Path absolute = file.toAbsolutePath().normalize();
                Map<String, Object> attributes = Files.readAttributes(absolute, "unix:size,lastModifiedTime,ctime,ino");
                inputs.append(absolute).append('\u0000').append(attributes.get("size")).append('\u0000')
                        .append(nanos(attributes.get("lastModifiedTime"))).append('\u0000')
                        .append(nanos(attributes.get("ctime"))).append('\u0000').append(attributes.get("ino"))
                        .append('\n');
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
        inputs.append(CacheEntries.sha256(more)).append('\n');
        return Optional.of(CacheEntries.sha256(inputs.toString()));
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    /**
     * The result remembered for a set of inputs.
     *
     * @param inputsKey from {@link #key}
     * @return the line written by {@link #remember}, or empty if none is remembered or the memo is
     *     damaged
     */
    Optional<String> recall(String inputsKey) {
        requireInputsKey(inputsKey);
        try {
            String result = Files.readString(dir.resolve(inputsKey), StandardCharsets.UTF_8).strip();
            return RESULT.matcher(result).matches() ? Optional.of(result) : Optional.empty();
        } catch (IOException | RuntimeException e) { // absent, unreadable or not UTF-8: as if absent
            return Optional.empty();
        }
    }

    /**
     * Remembers the result made from a set of inputs; best effort.
     *
     * @param inputsKey from {@link #key}
     * @param result one line naming it: letters, digits, {@code . + ~ _ -} and spaces, not starting
     *     with a dot or a space
     * @param now the time that counts as now, for deleting old memos
     * @throws IllegalArgumentException for a result of other characters
     */
    void remember(String inputsKey, String result, Instant now) {
        if (!RESULT.matcher(result).matches()) {
            throw new IllegalArgumentException("not a result PackMemo can keep: '" + result + "'");
        }
        requireInputsKey(inputsKey);
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve(inputsKey), result + "\n");
        } catch (IOException e) {
            return; // the next call does the work again
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
