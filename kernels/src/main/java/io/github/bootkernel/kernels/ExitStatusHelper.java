package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.CommandRunner;
import io.github.bootkernel.kernels.internal.FileChecks;
import io.github.bootkernel.kernels.internal.Recipe;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * How the catalog's {@code exit-status} item is produced: a tiny static program for the guest
 * that writes its argument (0 to 255) to I/O port 0xf4, so a test inside the guest can report its
 * verdict to the monitor. Debian's cloud kernel has no {@code /dev/port}, hence a program that
 * calls {@code ioperm} and {@code outb}.
 *
 * <p>The source is {@code kernels/src/main/c/exit-status.c} (shipped in this jar). It is compiled
 * with the machine's {@code gcc -static -Os -s} on first use and cached as
 * {@code ~/.cache/bootkernel/exit-status/<hash>/exit-status}, where the hash covers the source and
 * the compiler flags; later calls, and calls on a machine without gcc, use the cache alone.
 */
final class ExitStatusHelper implements Recipe {

    /** The I/O port the helper writes to. */
    static final int PORT = 0xf4;

    private static final String SOURCE_RESOURCE = "exit-status.c";
    private static final String BINARY = "exit-status";
    private static final List<String> FLAGS = List.of("-static", "-Os", "-s");
    private static final Duration GCC_TIMEOUT = Duration.ofMinutes(3);
    private static final String INSTALL_HINT = "install it with: apt-get install gcc libc6-dev";

    /**
     * Returns the C source of the helper.
     *
     * @return the source text
     */
    static String source() {
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

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        Optional<CacheEntries.Entry> entry = entries.at(key(source()));
        entry.ifPresent(ExitStatusHelper::check);
        return entry;
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        String source = source();
        String key = key(source);
        CacheEntries.Entry entry = entries.at(key).orElseGet(() -> compile(entries, key, source));
        check(entry);
        return entry;
    }

    @Override
    public String origin(CacheEntries.Entry entry) {
        return entry.get("source") + ", " + entry.get("compiler") + ", sha256 " + entry.get("sha256");
    }

    private static String key(String source) {
        return CacheEntries.sha256(String.join(" ", FLAGS) + "\n" + source).substring(0, 16);
    }

    private static void check(CacheEntries.Entry entry) {
        FileChecks.requireStaticElf(entry.file(), "the exit-status helper");
        if (!Files.isExecutable(entry.file())) {
            throw new FetchException("the cached exit-status helper " + entry.file() + " is not executable");
        }
    }

    private static CacheEntries.Entry compile(CacheEntries entries, String key, String source) {
        Map<String, String> record = new TreeMap<>();
        record.put("source", "compiled from kernels/src/main/c/exit-status.c");
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return entries.storeBuilt(key, BINARY, record, work -> {
                Files.writeString(work.resolve(SOURCE_RESOURCE), source, StandardCharsets.UTF_8);
                String compiler = gcc(work, List.of("gcc", "-dumpfullversion")).trim();
                record.put("compiler", "gcc " + compiler + " " + String.join(" ", FLAGS));
                List<String> command = new ArrayList<>(List.of("gcc"));
                command.addAll(FLAGS);
                command.addAll(List.of("-o", BINARY, SOURCE_RESOURCE));
                gcc(work, command);
                Path binary = work.resolve(BINARY);
                FileChecks.requireStaticElf(binary, "the freshly built exit-status helper");
                return binary;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the exit-status helper for " + entries.root(), e);
        }
    }

    private static String gcc(Path work, List<String> command) {
        CommandRunner.Result result;
        CommandRunner run = CommandRunner.privateLog("");
        String what = "building the exit-status helper";
        try {
            result = run.run(what, work, GCC_TIMEOUT, command);
        } catch (FetchException e) {
            throw new FetchException(e.getMessage() + "\ngcc is needed once to build the exit-status helper; "
                    + INSTALL_HINT, e.command(), e);
        }
        if (result.exitStatus() != 0) {
            String hint = result.output().contains("No such file or directory")
                    ? "\nThe C library headers are probably missing; " + INSTALL_HINT : "";
            throw new FetchException(run.failure(what, command, result).getMessage() + hint, command, null);
        }
        return result.output();
    }
}
