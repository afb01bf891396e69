package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.FileChecks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code exit-status}, a tiny static program for the guest that writes its argument (0 to 255) to
 * I/O port 0xf4, so a test inside the guest can report its verdict to the monitor. Debian's cloud
 * kernel has no {@code /dev/port}, hence a program that calls {@code ioperm} and {@code outb}.
 *
 * <p>The source is {@code kernels/src/main/c/exit-status.c} (shipped in this jar). It is compiled
 * with the machine's {@code gcc -static -Os -s} on first use and cached as
 * {@code ~/.cache/bootkernel/exit-status/<hash>/exit-status}, where the hash covers the source and
 * the compiler flags; later calls, and calls on a machine without gcc, use the cache alone.
 */
public final class ExitStatusHelper {

    /** The cache id. */
    public static final String ID = "exit-status";

    /** The I/O port the helper writes to. */
    public static final int PORT = 0xf4;

    private static final String SOURCE_RESOURCE = "exit-status.c";
    private static final List<String> FLAGS = List.of("-static", "-Os", "-s");
    private static final Duration GCC_TIMEOUT = Duration.ofMinutes(3);

    /** Builds already looked up in this JVM, by cache directory. */
    private static final Map<Path, CachedFile> BUILT = new ConcurrentHashMap<>();

    private ExitStatusHelper() {
    }

    /**
     * Returns the C source of the helper.
     *
     * @return the source text
     */
    public static String source() {
        try (InputStream in = ExitStatusHelper.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + SOURCE_RESOURCE + " is missing next to "
                        + ExitStatusHelper.class.getName() + "; the kernels jar was built incompletely");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SOURCE_RESOURCE, e);
        }
    }

    /**
     * Returns the compiled helper, compiling it with gcc if the cache has no build of this source.
     *
     * @return the static executable; its version is the hash of source and flags
     * @throws FetchException if it is not cached and gcc is missing or fails
     */
    public static CachedFile binary() {
        CacheEntries entries = new CacheEntries(ID);
        return BUILT.computeIfAbsent(entries.root(), root -> lookup(entries));
    }

    private static CachedFile lookup(CacheEntries entries) {
        String source = source();
        String key = CacheEntries.sha256(String.join(" ", FLAGS) + "\n" + source).substring(0, 16);
        CacheEntries.Entry entry = entries.at(key).orElseGet(() -> compile(entries, key, source));
        FileChecks.requireStaticElf(entry.file(), "the exit-status helper");
        if (!Files.isExecutable(entry.file())) {
            throw new FetchException("the cached exit-status helper " + entry.file() + " is not executable");
        }
        return new CachedFile(ID, entry.file(), key, entry.get("source") + ", " + entry.get("compiler")
                + ", sha256 " + entry.get("sha256"));
    }

    private static CacheEntries.Entry compile(CacheEntries entries, String key, String source) {
        Path work;
        try {
            work = Files.createTempDirectory("bootkernel-exit-status-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try {
            Files.writeString(work.resolve("exit-status.c"), source, StandardCharsets.UTF_8);
            String compiler = gcc(work, List.of("gcc", "-dumpfullversion")).trim();
            List<String> command = new ArrayList<>(List.of("gcc"));
            command.addAll(FLAGS);
            command.addAll(List.of("-o", "exit-status", "exit-status.c"));
            gcc(work, command);
            Path binary = work.resolve("exit-status");
            FileChecks.requireStaticElf(binary, "the freshly built exit-status helper");
            Map<String, String> record = new TreeMap<>();
            record.put("source", "compiled from kernels/src/main/c/exit-status.c");
            record.put("compiler", "gcc " + compiler + " " + String.join(" ", FLAGS));
            record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            CacheEntries.Entry entry = entries.store(key, binary, "exit-status", record);
            entries.makeCurrent(entry);
            return entry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the exit-status source to " + work, e);
        } finally {
            CacheEntries.deleteTree(work);
        }
    }

    private static String gcc(Path work, List<String> command) {
        Command.Result result;
        try {
            result = Command.run("building the exit-status helper", work, GCC_TIMEOUT, command);
        } catch (FetchException e) {
            throw new FetchException(e.getMessage() + "\ngcc is needed once to build the exit-status helper;"
                    + " install it with: apt-get install gcc libc6-dev", e.command(), e);
        }
        if (result.exitStatus() != 0) {
            String hint = result.output().contains("No such file or directory")
                    ? "\nThe C library headers are probably missing; install them with: apt-get install gcc libc6-dev"
                    : "";
            throw new FetchException(Command.failure("building the exit-status helper", command,
                    "exited with status " + result.exitStatus(), result.output()).getMessage() + hint,
                    command, null);
        }
        return result.output();
    }
}
