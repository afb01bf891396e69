package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.internal.Apt;
import io.github.bootkernel.kernels.internal.AtomicFiles;
import io.github.bootkernel.kernels.internal.CacheEntries;
import io.github.bootkernel.kernels.internal.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Debian's {@code linux-source-6.1} package and the source tree extracted from it, shared by all
 * tiny kernel builds of that version (each builds in its own {@code O=} directory).
 *
 * <p>If the package is installed, its {@code /usr/src/linux-source-6.1.tar.xz} is used; otherwise
 * the candidate version is downloaded with {@code apt-get download} (apt checks the archive's
 * signature and the file's hash) and unpacked with {@code dpkg -x} into a temporary directory,
 * so nothing is installed and no root is needed. The tree is extracted once per version into
 * {@code <cache>/tiny-build/linux-source-6.1_<version>/} and kept for later builds (about
 * 1.5 GB); extracting another version removes the older trees.
 */
final class LinuxSource {

    /** The Debian package. */
    static final String PACKAGE = "linux-source-6.1";

    /** The tarball inside the package, also its installed path. */
    static final Path INSTALLED_TARBALL = Path.of("/usr/src/linux-source-6.1.tar.xz");

    /** Written into a tree once it is completely extracted. */
    static final String COMPLETE_MARKER = ".bootkernel-extracted";

    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(15);

    /**
     * The version to build from.
     *
     * @param version the Debian package version, for example {@code 6.1.192-2}
     * @param installed whether the package is installed (then its tarball is used in place)
     */
    record Version(String version, boolean installed) {
    }

    private LinuxSource() {
    }

    /**
     * Finds the version to build: the installed package's, else apt's candidate (refreshing the
     * package lists once when apt knows none and this process runs as root).
     *
     * @param log the build log
     * @return the version
     * @throws FetchException if neither is available
     */
    static Version resolve(CommandRunner log) {
        if (HostTools.onPath("dpkg-query")) {
            Optional<String> version = Apt.installedVersion(log, PACKAGE);
            if (version.isPresent() && Files.isRegularFile(INSTALLED_TARBALL)) {
                return new Version(version.get(), true);
            }
        }
        if (!HostTools.onPath("apt-cache")) {
            throw log.failure("looking up " + PACKAGE, "this machine has no apt-cache; the tiny kernels are built "
                    + "from Debian's " + PACKAGE + " package, so the first build needs a Debian or Ubuntu machine "
                    + "with that package in its archive (or fill the cache there and copy it)");
        }
        Optional<String> candidate = Apt.candidate(log, PACKAGE);
        if (candidate.isEmpty() && Apt.isRoot() && Apt.updateLists(log)) {
            candidate = Apt.candidate(log, PACKAGE);
        }
        return new Version(candidate.orElseThrow(() -> log.failure("looking up " + PACKAGE,
                "apt knows no installable version of " + PACKAGE + " (" + (Apt.isRoot()
                        ? "even after apt-get update; Debian 12 bookworm and its security updates have it"
                        : "try `sudo apt-get update`") + ")")), false);
    }

    /**
     * Returns the extracted source tree of a version, extracting it first if needed.
     *
     * @param log the build log
     * @param work the build work directory, {@code <cache>/tiny-build}
     * @param version the version
     * @return the tree, the directory with the top-level {@code Makefile}
     * @throws FetchException if downloading or extracting fails
     */
    static Path tree(CommandRunner log, Path work, Version version) {
        Path tree = work.resolve(PACKAGE + "_" + CacheEntries.dirName(version.version()));
        if (Files.isRegularFile(tree.resolve(COMPLETE_MARKER)) && Files.isRegularFile(tree.resolve("Makefile"))) {
            log.say("reusing the source tree " + tree);
            return tree;
        }
        AtomicFiles.deleteTree(tree);
        // Temporary names: whoever takes the work directory's lock next deletes them if this build dies.
        Path download = work.resolve(".download-" + UUID.randomUUID() + ".tmp");
        Path staging = work.resolve(".extract-" + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(download);
            Files.createDirectories(staging);
            Path tarball = version.installed() ? INSTALLED_TARBALL : download(log, download, version.version());
            log.say("extracting " + tarball.getFileName() + " " + version.version());
            log.check("extracting", staging, EXTRACT_TIMEOUT, List.of("tar", "-xJf", tarball.toString()));
            Path extracted = staging.resolve(PACKAGE);
            if (!Files.isRegularFile(extracted.resolve("Makefile"))) {
                throw log.failure("extracting", tarball + " has no " + PACKAGE + "/Makefile");
            }
            Files.writeString(extracted.resolve(COMPLETE_MARKER), version.version() + "\n");
            Files.move(extracted, tree);
            removeOtherTrees(work, tree);
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the source tree " + tree, e);
        } finally {
            AtomicFiles.deleteTree(download);
            AtomicFiles.deleteTree(staging);
        }
    }

    private static Path download(CommandRunner log, Path dir, String version) {
        log.say("downloading " + PACKAGE + "=" + version + " with apt-get download");
        Path unpacked = Apt.downloadAndUnpack(log, dir, PACKAGE, version, DOWNLOAD_TIMEOUT, EXTRACT_TIMEOUT);
        Path tarball = unpacked.resolve(INSTALLED_TARBALL.toString().substring(1));
        if (!Files.isRegularFile(tarball)) {
            throw log.failure("unpacking", PACKAGE + " " + version + " has no " + INSTALLED_TARBALL);
        }
        return tarball;
    }

    private static void removeOtherTrees(Path work, Path keep) throws IOException {
        try (Stream<Path> children = Files.list(work)) {
            for (Path child : children.toList()) {
                if (!child.equals(keep) && child.getFileName().toString().startsWith(PACKAGE + "_")) {
                    AtomicFiles.deleteTree(child);
                }
            }
        }
    }
}
