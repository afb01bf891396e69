package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.CommandRunner;
import io.github.bootkernel.kernels.internal.FileChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One build of a tiny kernel into the cache: host tools, the linux-source version, the shared
 * source tree, {@code make tinyconfig} + fragments + {@code make olddefconfig} in the id's own
 * {@code O=} directory, a check that every requested option holds, {@code make bzImage}, a check
 * of the image, and storing it with its record, final {@code .config} and build log.
 *
 * <p>Work happens in {@code <cache>/tiny-build/}: the source tree, {@code out-<id>/} (deleted
 * after a successful build, kept after a failed one) and {@code <id>.log}. The caller holds the
 * item's lock and the work directory's ({@link TinyKernels}), so no other build uses either meanwhile.
 */
final class TinyBuild {

    /** The work directory's name in the cache. */
    static final String WORK_DIR = "tiny-build";

    /** The image's name in a cache entry. */
    static final String IMAGE = "bzImage";

    private static final Duration CONFIG_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);

    private final TinyRecipe recipe;
    private final CacheEntries cache;
    private final Path work;
    private final Consumer<String> progress;

    /**
     * Prepares a build.
     *
     * @param recipe what to build
     * @param cache the id's cache entries
     * @param work the work directory, {@code <cache>/tiny-build}
     * @param progress where progress lines go
     */
    TinyBuild(TinyRecipe recipe, CacheEntries cache, Path work, Consumer<String> progress) {
        this.recipe = recipe;
        this.cache = cache;
        this.work = work;
        this.progress = progress;
    }

    /**
     * Builds the kernel, unless the cache already holds this configuration for the source version
     * found.
     *
     * @return the cache entry, also made {@code current}
     * @throws FetchException if a tool is missing and cannot be installed, or a step fails
     */
    CacheEntries.Entry run() {
        String id = recipe.id();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + work, e);
        }
        CommandRunner log = CommandRunner.keptLog(id, work.resolve(id + ".log"), progress);
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw log.failure("checking the host", "the tiny kernels are built for x86-64 on an x86-64 host, not on "
                    + arch);
        }
        log.say("no cached build of " + recipe.fragmentNames() + " (configuration " + recipe.configHash()
                + "); building one, which takes a few minutes; log: " + log.file());
        HostTools.ensure(log, id);
        LinuxSource.Version source = LinuxSource.resolve(log);
        String key = recipe.key(source.version());
        CacheEntries.Entry cached = cache.at(key).orElse(null);
        if (cached != null) {
            return cached;
        }
        Path tree = LinuxSource.tree(log, work, source);
        Path out = work.resolve("out-" + id);
        AtomicFiles.deleteTree(out);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        configure(log, tree, out);
        int jobs = Runtime.getRuntime().availableProcessors();
        log.say("compiling bzImage with make -j" + jobs + " (" + log.elapsed() + " so far)");
        log.check("compiling", tree, COMPILE_TIMEOUT, make(tree, out, "-j" + jobs, IMAGE));
        Path image = out.resolve("arch/x86/boot/" + IMAGE);
        String problem = FileChecks.bzImageProblem(image);
        if (problem != null) {
            throw log.failure("checking the image", image + " is not a bzImage (" + problem + ")");
        }
        String compiler = log.check("asking gcc its version", out, QUERY_TIMEOUT, List.of("gcc", "-dumpfullversion"))
                .strip();
        String release = read(out.resolve("include/config/kernel.release")).strip();
        long size = size(image);
        log.say(String.format(Locale.ROOT, "built %s (kernel %s, %.2f MiB) in %s", IMAGE, release,
                size / (1024.0 * 1024.0), log.elapsed()));

        Map<String, String> record = new TreeMap<>();
        record.put("version", source.version());
        record.put("key", key);
        record.put("package", LinuxSource.PACKAGE);
        record.put("source", "built from Debian " + LinuxSource.PACKAGE + " " + source.version() + " with tinyconfig + "
                + recipe.fragmentNames());
        record.put("sourceTarball", source.installed() ? LinuxSource.INSTALLED_TARBALL.toString()
                : "apt-get download " + LinuxSource.PACKAGE + "=" + source.version());
        record.put("fragments", recipe.fragmentNames());
        record.put("configHash", recipe.configHash());
        record.put("steps", TinyRecipe.STEPS);
        record.put("kernelRelease", release);
        record.put("compiler", "gcc " + compiler);
        record.put("buildTime", log.elapsed());
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        CacheEntries.Entry entry = cache.store(key, image, IMAGE, record,
                Map.of("config", out.resolve(".config"), "build.log", log.file()));
        AtomicFiles.deleteTree(out);
        return entry;
    }

    /** {@code make tinyconfig}, append the fragments, {@code make olddefconfig}, check they hold. */
    private void configure(CommandRunner log, Path tree, Path out) {
        log.say("configuring: tinyconfig + " + recipe.fragmentNames());
        log.check("configuring", tree, CONFIG_TIMEOUT, make(tree, out, "tinyconfig"));
        Path config = out.resolve(".config");
        try {
            Files.writeString(config, recipe.appendix(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the config fragments to " + config, e);
        }
        log.check("configuring", tree, CONFIG_TIMEOUT, make(tree, out, "olddefconfig"));
        List<String> unmet = ConfigFragment.unmet(recipe.wanted(), ConfigFragment.parse(".config", read(config)));
        if (!unmet.isEmpty()) {
            throw log.failure("configuring", "Kconfig did not keep " + unmet.size() + " of the requested options "
                    + "(fix " + recipe.fragmentNames() + "; the resulting configuration is " + config + "):\n  "
                    + String.join("\n  ", unmet));
        }
    }

    /** A make command for the shared tree and this id's output directory, at the lowest priority. */
    private static List<String> make(Path tree, Path out, String... targets) {
        List<String> command = new ArrayList<>(List.of("nice", "-n", "19", "make", "-C", tree.toString(),
                "O=" + out));
        command.addAll(List.of(targets));
        return command;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
