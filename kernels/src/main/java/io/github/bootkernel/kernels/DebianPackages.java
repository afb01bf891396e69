package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.Apt;
import io.github.bootkernel.kernels.internal.CacheEntries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Takes one file out of a Debian package and keeps it in the cache, without installing anything:
 * {@code apt-cache} resolves the package and its candidate version, {@code apt-get download}
 * fetches the {@code .deb} (apt checks the archive's signature and the file's hash), {@code dpkg -x}
 * unpacks it into a temporary directory, and the wanted file is stored as a version of a
 * {@link CacheEntries cache item}.
 *
 * <p>A lookup uses the cache alone when it holds an intact entry (the {@code current} one, or else
 * the newest), so it works offline once the host has filled the cache. The system property
 * {@code bootkernel.refresh=true} asks apt for the current candidate instead.
 */
final class DebianPackages {

    /** The recorded origin of every file fetched here. */
    static final String SOURCE = "Debian archive via apt-get download";

    /** System property that makes lookups ask apt for the newest version. */
    static final String REFRESH_PROPERTY = "bootkernel.refresh";

    private static final Duration APT_CACHE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration APT_UPDATE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern DEPENDS = Pattern.compile("^\\s*\\|?Depends:\\s*(\\S+)\\s*$");

    /** Entries already looked up (and verified) in this JVM, by the item's cache directory. */
    private static final Map<Path, CacheEntries.Entry> RESOLVED = new ConcurrentHashMap<>();

    /** Whether this JVM has run {@code apt-get update} already. */
    private static volatile boolean listsUpdated;

    /**
     * What to fetch.
     *
     * @param id the cache item, for example {@code debian-cloud}
     * @param what a description for messages, for example {@code "Debian cloud kernel"}
     * @param metaPackage a package whose {@code Depends:} names the real one (for example
     *     {@code linux-image-cloud-amd64}), or {@code null} to use {@code packageName} directly
     * @param packageName with a meta package, the prefix the dependency must have (for example
     *     {@code linux-image-}); otherwise the package itself
     * @param preferUnsigned whether to take {@code <package>-unsigned} when the archive has it
     * @param pathPattern a regular expression the wanted file's path inside the package must match,
     *     for example {@code boot/vmlinuz-.*}
     * @param fileName the file's name in the cache
     * @param check a check on the unpacked file before it is stored, given the file and {@link #what}
     */
    record Spec(String id, String what, String metaPackage, String packageName, boolean preferUnsigned,
                String pathPattern, String fileName, BiConsumer<Path, String> check) {
    }

    private DebianPackages() {
    }

    /**
     * Returns the cached file for a spec, fetching it on the first use.
     *
     * @param spec what to fetch
     * @return the intact cache entry
     * @throws FetchException if it is not cached and cannot be fetched
     */
    static CacheEntries.Entry get(Spec spec) {
        CacheEntries entries = new CacheEntries(spec.id());
        return RESOLVED.computeIfAbsent(entries.root(),
                root -> lookup(spec, entries, Boolean.getBoolean(REFRESH_PROPERTY)));
    }

    private static CacheEntries.Entry lookup(Spec spec, CacheEntries entries, boolean refresh) {
        if (!refresh) {
            Optional<CacheEntries.Entry> current = entries.current();
            Optional<CacheEntries.Entry> cached = current.isPresent() ? current : entries.newest();
            if (cached.isPresent()) {
                spec.check().accept(cached.get().file(), spec.what());
                if (current.isEmpty()) {
                    entries.makeCurrent(cached.get());
                }
                return cached.get();
            }
        }
        try {
            try {
                return fetch(spec, entries);
            } catch (FetchException e) {
                if (listsUpdated || !Apt.isRoot()) {
                    throw e;
                }
                // Stale package lists name versions the archive no longer has: update, retry once.
                updateLists(spec);
                return fetch(spec, entries);
            }
        } catch (FetchException e) {
            if (refresh) {
                throw e;
            }
            throw new FetchException(e.getMessage() + "\nNothing usable is cached in " + entries.root()
                    + "; fill the cache once on a machine with network access (`mvn install` in the "
                    + "bootkernel checkout, or run io.github.bootkernel.kernels.Prepare).", e.command(), e);
        }
    }

    private static CacheEntries.Entry fetch(Spec spec, CacheEntries entries) {
        String pkg = resolvePackage(spec);
        String version = candidateVersion(pkg)
                .orElseThrow(() -> new FetchException(spec.what() + ": apt has no installable version of "
                        + pkg + " (" + listsHint() + ")"));
        Optional<CacheEntries.Entry> cached = entries.at(version);
        if (cached.isPresent()) {
            entries.makeCurrent(cached.get());
            return cached.get();
        }
        Path work = createWorkDir(spec.id());
        try {
            String what = spec.what() + " (" + pkg + " " + version + ")";
            Path tree = Apt.downloadAndUnpack(Command.runner(what), work, pkg, version, DOWNLOAD_TIMEOUT,
                    DPKG_TIMEOUT);
            Path file = singleFile(tree, spec.pathPattern(), what);
            spec.check().accept(file, spec.what());
            Map<String, String> record = new TreeMap<>();
            record.put("package", pkg);
            record.put("source", SOURCE);
            record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            record.put("pathInPackage", tree.relativize(file).toString());
            if (spec.metaPackage() != null) {
                record.put("resolvedFrom", spec.metaPackage());
            }
            CacheEntries.Entry entry = entries.store(version, file, spec.fileName(), record);
            entries.makeCurrent(entry);
            return entry;
        } finally {
            CacheEntries.deleteTree(work);
        }
    }

    /**
     * Finds the package to download: the meta package's dependency (or the named package), with
     * {@code -unsigned} appended when preferred and available.
     */
    private static String resolvePackage(Spec spec) {
        String base;
        if (spec.metaPackage() == null) {
            base = spec.packageName();
            if (candidateVersion(base).isEmpty()) {
                ensureLists(spec, "apt-cache policy " + base + " shows no candidate version");
            }
        } else {
            Optional<String> dependency = dependency(spec);
            if (dependency.isEmpty()) {
                ensureLists(spec, "apt-cache depends " + spec.metaPackage() + " found no "
                        + spec.packageName() + "* dependency");
                dependency = dependency(spec);
            }
            base = dependency.orElseThrow(() -> new FetchException(spec.what() + ": `apt-cache depends "
                    + spec.metaPackage() + "` names no " + spec.packageName() + "* package, even after "
                    + "apt-get update"));
        }
        if (spec.preferUnsigned() && candidateVersion(base + "-unsigned").isPresent()) {
            return base + "-unsigned";
        }
        return base;
    }

    private static Optional<String> dependency(Spec spec) {
        List<String> command = List.of("apt-cache", "depends", spec.metaPackage());
        Command.Result result = Command.run(spec.what() + ": resolving " + spec.metaPackage(),
                Path.of("/"), APT_CACHE_TIMEOUT, command);
        if (result.exitStatus() != 0) {
            return Optional.empty();
        }
        return result.output().lines()
                .map(DEPENDS::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .filter(name -> name.startsWith(spec.packageName()))
                .findFirst();
    }

    /**
     * Returns the version {@code apt-get download} would fetch.
     *
     * @param pkg the package
     * @return its candidate version, or empty when apt knows none
     */
    static Optional<String> candidateVersion(String pkg) {
        return Apt.candidateIn(Command.check("looking up the candidate version of " + pkg, Path.of("/"),
                APT_CACHE_TIMEOUT, List.of("apt-cache", "policy", pkg)));
    }

    /** Runs {@code apt-get update} once when running as root, otherwise explains what to run. */
    private static void ensureLists(Spec spec, String symptom) {
        if (listsUpdated) {
            return;
        }
        if (!Apt.isRoot()) {
            throw new FetchException(spec.what() + ": " + symptom + "; the package lists are missing or "
                    + "stale. Run `sudo apt-get update` and try again.");
        }
        updateLists(spec);
    }

    private static synchronized void updateLists(Spec spec) {
        Command.check(spec.what() + ": refreshing the package lists", Path.of("/"), APT_UPDATE_TIMEOUT,
                List.of("apt-get", "update"));
        listsUpdated = true;
    }

    private static String listsHint() {
        return Apt.isRoot() ? "even after apt-get update" : "try `sudo apt-get update`";
    }

    private static Path createWorkDir(String id) {
        try {
            return Files.createTempDirectory("bootkernel-" + id + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    private static Path singleFile(Path tree, String pathPattern, String what) {
        Pattern pattern = Pattern.compile(pathPattern);
        try (Stream<Path> walk = Files.walk(tree)) {
            List<Path> matches = walk.filter(Files::isRegularFile)
                    .filter(p -> pattern.matcher(tree.relativize(p).toString()).matches())
                    .sorted()
                    .toList();
            if (matches.size() != 1) {
                throw new FetchException(what + ": expected exactly one file matching " + pathPattern
                        + " in the package, found " + matches.stream().map(tree::relativize).toList());
            }
            return matches.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + tree, e);
        }
    }
}
