package io.github.bootkernel.kernels;

import io.github.bootkernel.kernels.internal.Apt;
import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.CommandRunner;
import io.github.bootkernel.kernels.internal.FileChecks;
import io.github.bootkernel.kernels.internal.ItemLock;
import io.github.bootkernel.kernels.internal.Recipe;
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
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the catalog's Debian items are produced: one file taken out of a Debian package, without
 * installing anything. {@code apt-cache} resolves the package (for a kernel, the one the meta
 * package currently depends on: {@code apt-cache depends linux-image-cloud-amd64} gives
 * {@code linux-image-<abi>-cloud-amd64}, whose {@code -unsigned} variant is preferred) and its
 * candidate version, {@code apt-get download} fetches the {@code .deb} (apt checks the archive's
 * signature and the file's hash), {@code dpkg -x} unpacks it into a temporary directory, and the
 * wanted file is checked and stored as {@code <cache>/<id>/<version>/<file>} with a
 * {@code record.properties} (package, version, SHA-256, size, fetch date, source); a kernel keeps
 * the package's {@code boot/config-<release>} beside it as {@code config}. If apt knows no
 * such package, the package lists are refreshed with {@code apt-get update} when running as root;
 * otherwise the error says to run it.
 *
 * <p>A lookup uses the cache alone when it holds an intact entry (the {@code current} one, or else
 * the newest), so it works offline once the host has filled the cache. The system property
 * {@code bootkernel.refresh=true} asks apt for the current candidate instead.
 */
final class DebianPackages implements Recipe {

    /** The recorded origin of every file fetched here. */
    static final String SOURCE = "Debian archive via apt-get download";

    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(5);

    /** A description for messages, for example {@code "Debian cloud kernel"}. */
    private final String what;
    /** A package whose {@code Depends:} names the real one, or {@code null} to use {@link #packageName}. */
    private final String metaPackage;
    /** With a meta package, the prefix the dependency must have; otherwise the package itself. */
    private final String packageName;
    /** Whether to take {@code <package>-unsigned} when the archive has it. */
    private final boolean preferUnsigned;
    /** A regular expression the wanted file's path inside the package must match. */
    private final String pathPattern;
    /** The file's name in the cache. */
    private final String fileName;
    /**
     * For a kernel, the path of its configuration in the package, with {@code %s} for what
     * follows {@code vmlinuz-} in the kernel's path; {@code null} for other files.
     */
    private final String configPattern;
    /** A check on the file before it is stored and when it is looked up, given the file and {@link #what}. */
    private final BiConsumer<Path, String> check;

    private DebianPackages(String what, String metaPackage, String packageName, boolean preferUnsigned,
                           String pathPattern, String fileName, String configPattern,
                           BiConsumer<Path, String> check) {
        this.what = what;
        this.metaPackage = metaPackage;
        this.packageName = packageName;
        this.preferUnsigned = preferUnsigned;
        this.pathPattern = pathPattern;
        this.fileName = fileName;
        this.configPattern = configPattern;
        this.check = check;
    }

    /**
     * A stock kernel: {@code boot/vmlinuz-*} of the package a meta package depends on, stored as
     * {@code vmlinuz} and checked to be a bzImage, with the package's {@code boot/config-*} beside
     * it as {@value Recipe#CONFIG}.
     *
     * @param what a description for messages, for example {@code "Debian cloud kernel"}
     * @param metaPackage for example {@code linux-image-cloud-amd64}
     * @return the recipe
     */
    static DebianPackages kernel(String what, String metaPackage) {
        return new DebianPackages(what, metaPackage, "linux-image-", true, "boot/vmlinuz-.*", "vmlinuz",
                "boot/config-%s", FileChecks::requireBzImage);
    }

    /**
     * A static x86-64 executable from a package.
     *
     * @param what a description for messages
     * @param pkg the package
     * @param pathInPackage the file's path inside the package, for example {@code bin/busybox}
     * @param fileName the file's name in the cache
     * @return the recipe
     */
    static DebianPackages staticExecutable(String what, String pkg, String pathInPackage, String fileName) {
        return new DebianPackages(what, null, pkg, false, Pattern.quote(pathInPackage), fileName,
                null, FileChecks::requireStaticElf);
    }

    @Override
    public Optional<CacheEntries.Entry> cached(CacheEntries entries) {
        Optional<CacheEntries.Entry> current = entries.current();
        Optional<CacheEntries.Entry> cached = current.isPresent() ? current : entries.newest();
        cached.ifPresent(entry -> check.accept(entry.file(), what));
        return cached;
    }

    @Override
    public CacheEntries.Entry produce(CacheEntries entries, Consumer<String> progress, boolean refresh) {
        CommandRunner run = CommandRunner.privateLog(what);
        try {
            try {
                return fetch(entries, run);
            } catch (FetchException e) {
                // Stale package lists name versions the archive no longer has: update, retry once.
                if (!Apt.isRoot() || !Apt.updateLists(run)) {
                    throw e;
                }
                return fetch(entries, run);
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

    @Override
    public String origin(CacheEntries.Entry entry) {
        return entry.get("source") + ": " + entry.get("package") + " " + entry.get("version") + ", "
                + entry.get("pathInPackage") + ", sha256 " + entry.get("sha256");
    }

    /**
     * Returns a kernel entry's {@value Recipe#CONFIG}; an entry stored before kernels kept their
     * configuration gets it now, from the same package version downloaded again (apt must still
     * offer that version).
     */
    @Override
    @SuppressWarnings("try") // the lock is held for the try block, not used in it
    public Optional<Path> config(CacheEntries entries, CacheEntries.Entry entry, Consumer<String> progress) {
        if (configPattern == null) {
            return Optional.empty();
        }
        Path config = entry.dir().resolve(CONFIG);
        if (Files.isRegularFile(config)) {
            return Optional.of(config);
        }
        String pkg = entry.get("package");
        String version = entry.get("version");
        try (ItemLock lock = entries.lock(progress)) {
            if (Files.isRegularFile(config)) {
                return Optional.of(config);
            }
            progress.accept(entries.id() + ": " + entry.dir() + " was cached without the kernel's configuration; "
                    + "fetching " + pkg + " " + version + " again for its " + String.format(configPattern, "*"));
            CommandRunner run = CommandRunner.privateLog(what + " configuration (" + pkg + " " + version + ")");
            Path work = Files.createTempDirectory("bootkernel-" + entries.id() + "-");
            try {
                Path tree = Apt.downloadAndUnpack(run, work, pkg, version, DOWNLOAD_TIMEOUT, DPKG_TIMEOUT);
                return Optional.of(entries.addSideFile(entry, CONFIG, configFile(tree, entry.get("pathInPackage"),
                        run)));
            } finally {
                AtomicFiles.deleteTree(work);
            }
        } catch (FetchException e) {
            throw new FetchException(what + ": the cache entry " + entry.dir() + " has no kernel configuration (it"
                    + " was cached before bootkernel kept one), and fetching it failed: " + e.getMessage()
                    + "\nRun io.github.bootkernel.kernels.Prepare once with network access to add it.", e.command(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the configuration of " + what + " into " + entry.dir(), e);
        }
    }

    /** The package's configuration of the kernel at {@code pathInPackage}, {@code boot/vmlinuz-<release>}. */
    private Path configFile(Path tree, String pathInPackage, CommandRunner run) {
        String release = pathInPackage.substring(pathInPackage.indexOf("vmlinuz-") + "vmlinuz-".length());
        return singleFile(tree, Pattern.quote(String.format(configPattern, release)), run);
    }

    private CacheEntries.Entry fetch(CacheEntries entries, CommandRunner run) {
        String pkg = resolvePackage(run);
        String version = Apt.candidate(run, pkg)
                .orElseThrow(() -> new FetchException(what + ": apt has no installable version of " + pkg + " ("
                        + (Apt.isRoot() ? "even after apt-get update" : "try `sudo apt-get update`") + ")"));
        Optional<CacheEntries.Entry> cached = entries.at(version);
        if (cached.isPresent()) {
            return cached.get();
        }
        Map<String, String> record = new TreeMap<>();
        record.put("package", pkg);
        record.put("source", SOURCE);
        record.put("fetched", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (metaPackage != null) {
            record.put("resolvedFrom", metaPackage);
        }
        Map<String, Path> sideFiles = new TreeMap<>();
        try {
            return entries.storeBuilt(version, fileName, record, sideFiles, work -> {
                CommandRunner download = CommandRunner.privateLog(what + " (" + pkg + " " + version + ")");
                Path tree = Apt.downloadAndUnpack(download, work, pkg, version, DOWNLOAD_TIMEOUT, DPKG_TIMEOUT);
                Path file = singleFile(tree, pathPattern, download);
                check.accept(file, what);
                String pathInPackage = tree.relativize(file).toString();
                record.put("pathInPackage", pathInPackage);
                if (configPattern != null) {
                    sideFiles.put(CONFIG, configFile(tree, pathInPackage, download));
                }
                return file;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + what + " into " + entries.root(), e);
        }
    }

    /**
     * Finds the package to download: the meta package's dependency (or the named package), with
     * {@code -unsigned} appended when preferred and available.
     */
    private String resolvePackage(CommandRunner run) {
        String base;
        if (metaPackage == null) {
            base = packageName;
            if (Apt.candidate(run, base).isEmpty()) {
                ensureLists(run, "apt-cache policy " + base + " shows no candidate version");
            }
        } else {
            Optional<String> dependency = Apt.dependency(run, metaPackage, packageName);
            if (dependency.isEmpty()) {
                ensureLists(run, "apt-cache depends " + metaPackage + " found no " + packageName + "* dependency");
                dependency = Apt.dependency(run, metaPackage, packageName);
            }
            base = dependency.orElseThrow(() -> new FetchException(what + ": `apt-cache depends " + metaPackage
                    + "` names no " + packageName + "* package, even after apt-get update"));
        }
        if (preferUnsigned && Apt.candidate(run, base + "-unsigned").isPresent()) {
            return base + "-unsigned";
        }
        return base;
    }

    /** Runs {@code apt-get update} once when running as root, otherwise explains what to run. */
    private void ensureLists(CommandRunner run, String symptom) {
        if (Apt.listsUpdated()) {
            return;
        }
        if (!Apt.isRoot()) {
            throw new FetchException(what + ": " + symptom + "; the package lists are missing or "
                    + "stale. Run `sudo apt-get update` and try again.");
        }
        Apt.updateLists(run);
    }

    private Path singleFile(Path tree, String pathPattern, CommandRunner run) {
        Pattern pattern = Pattern.compile(pathPattern);
        try (Stream<Path> walk = Files.walk(tree)) {
            List<Path> matches = walk.filter(Files::isRegularFile)
                    .filter(p -> pattern.matcher(tree.relativize(p).toString()).matches())
                    .sorted()
                    .toList();
            if (matches.size() != 1) {
                throw run.failure("unpacking", "expected exactly one file matching " + pathPattern
                        + " in the package, found " + matches.stream().map(tree::relativize).toList());
            }
            return matches.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + tree, e);
        }
    }
}
