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
 * How a catalog item that is a small static C program for the guest is produced: its source from
 * {@code kernels/src/main/c/} (shipped in this jar next to this class) is compiled with the
 * machine's {@code gcc -static -Os -s} on first use and cached as
 * {@code ~/.cache/bootkernel/<id>/<hash>/<binary>}, where the hash covers the source and the
 * compiler flags; later calls, and calls on a machine without gcc, use the cache alone. The
 * {@code exit-status} helper and the guest agent are made this way.
 */
final class CompiledHelper implements Recipe {

    private static final List<String> FLAGS = List.of("-static", "-Os", "-s");
    private static final Duration GCC_TIMEOUT = Duration.ofMinutes(3);
    private static final String INSTALL_HINT = "install it with: apt-get install gcc libc6-dev";

    private final String sourceName;
    private final String binary;
    private final String what;

    /**
     * Describes a helper.
     *
     * @param sourceName the C file in {@code kernels/src/main/c/}, for example {@code agent.c}
     * @param binary the name of the program in the cache, for example {@code bootkernel-agent}
     * @param what the helper in words, for messages, for example {@code "the guest agent"}
     */
    CompiledHelper(String sourceName, String binary, String what) {
        this.sourceName = sourceName;
        this.binary = binary;
        this.what = what;
    }

    /**
     * Returns the C source of the helper.
     *
     * @return the source text
     * @throws IllegalStateException if the jar lacks it
     */
    String source() {
        try (InputStream in = CompiledHelper.class.getResourceAsStream(sourceName)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + sourceName + " is missing next to "
                        + CompiledHelper.class.getName() + "; the kernels jar was built incompletely");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        Optional<CacheEntries.Entry> entry = entries.at(key(source()));
        entry.ifPresent(this::check);
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

    private void check(CacheEntries.Entry entry) {
        FileChecks.requireStaticElf(entry.file(), what);
        if (!Files.isExecutable(entry.file())) {
            throw new FetchException("the cached " + what.replaceFirst("^the ", "") + " " + entry.file()
                    + " is not executable");
        }
    }

    private CacheEntries.Entry compile(CacheEntries entries, String key, String source) {
        Map<String, String> record = new TreeMap<>();
        record.put("source", "compiled from kernels/src/main/c/" + sourceName);
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return entries.storeBuilt(key, binary, record, work -> {
                Files.writeString(work.resolve(sourceName), source, StandardCharsets.UTF_8);
                String compiler = gcc(work, List.of("gcc", "-dumpfullversion")).trim();
                record.put("compiler", "gcc " + compiler + " " + String.join(" ", FLAGS));
                List<String> command = new ArrayList<>(List.of("gcc"));
                command.addAll(FLAGS);
                command.addAll(List.of("-o", binary, sourceName));
                gcc(work, command);
                Path built = work.resolve(binary);
                FileChecks.requireStaticElf(built, "the freshly built " + what.replaceFirst("^the ", ""));
                return built;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + what + " for " + entries.root(), e);
        }
    }

    private String gcc(Path work, List<String> command) {
        CommandRunner.Result result;
        CommandRunner run = CommandRunner.privateLog("");
        String building = "building " + what;
        try {
            result = run.run(building, work, GCC_TIMEOUT, command);
        } catch (FetchException e) {
            throw new FetchException(e.getMessage() + "\ngcc is needed once to build " + what + "; "
                    + INSTALL_HINT, e.command(), e);
        }
        if (result.exitStatus() != 0) {
            String hint = result.output().contains("No such file or directory")
                    ? "\nThe C library headers are probably missing; " + INSTALL_HINT : "";
            throw new FetchException(run.failure(building, command, result).getMessage() + hint, command, null);
        }
        return result.output();
    }
}
