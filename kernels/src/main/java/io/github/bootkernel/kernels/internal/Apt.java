package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one path to apt and dpkg: what the archive offers ({@code apt-cache policy},
 * {@code apt-cache depends}), what is installed ({@code dpkg-query}), refreshing the package lists
 * (at most once per JVM), installing build tools, and taking a package from the archive without
 * installing it ({@code apt-get download}, which checks the archive's signature and the file's
 * hash, a check of the {@code .deb}'s control fields and {@code dpkg -x} into a directory).
 * Every command runs through the caller's {@link CommandRunner}, so it reports the caller's way.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class Apt {

    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    private static final Path ROOT = Path.of("/");

    private static final Pattern CANDIDATE = Pattern.compile("^\\s*Candidate:\\s*(\\S+)\\s*$");
    private static final Pattern DEPENDS = Pattern.compile("^\\s*\\|?Depends:\\s*(\\S+)\\s*$");

    /** Whether this JVM has run {@code apt-get update} already. */
    private static boolean listsUpdated;

    private Apt() {
    }

    /**
     * Returns the version {@code apt-get download} would fetch.
     *
     * @param run runs {@code apt-cache policy}
     * @param pkg the package
     * @return its candidate version, or empty when apt knows none
     * @throws FetchException if apt-cache fails
     */
    public static Optional<String> candidate(CommandRunner run, String pkg) {
        return candidateIn(run.check("looking up the candidate version of " + pkg, ROOT, QUERY_TIMEOUT,
                List.of("apt-cache", "policy", pkg)));
    }

    /**
     * Reads the candidate version from {@code apt-cache policy} output.
     *
     * @param policyOutput the output
     * @return the candidate, unless it is {@code (none)} or absent
     */
    public static Optional<String> candidateIn(String policyOutput) {
        return policyOutput.lines()
                .map(CANDIDATE::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .filter(v -> !v.equals("(none)"))
                .findFirst();
    }

    /**
     * Finds the package a meta package depends on, for example {@code linux-image-cloud-amd64}
     * on {@code linux-image-6.1.0-56-cloud-amd64}.
     *
     * @param run runs {@code apt-cache depends}
     * @param metaPackage the meta package
     * @param prefix what the dependency's name starts with, for example {@code linux-image-}
     * @return the first such dependency, or empty when apt knows none
     */
    public static Optional<String> dependency(CommandRunner run, String metaPackage, String prefix) {
        CommandRunner.Result result = run.run("resolving " + metaPackage, ROOT, QUERY_TIMEOUT,
                List.of("apt-cache", "depends", metaPackage));
        if (result.exitStatus() != 0) {
            return Optional.empty();
        }
        return result.output().lines()
                .map(DEPENDS::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .filter(name -> name.startsWith(prefix))
                .findFirst();
    }

    /**
     * Returns the installed version of a package, if dpkg knows it as installed.
     *
     * @param run runs {@code dpkg-query}
     * @param pkg the package
     * @return the version, or empty
     */
    public static Optional<String> installedVersion(CommandRunner run, String pkg) {
        CommandRunner.Result result = run.run("looking up " + pkg, ROOT, QUERY_TIMEOUT,
                List.of("dpkg-query", "-W", "-f=${db:Status-Status} ${Version}\\n", pkg));
        return installedVersion(result.exitStatus(), result.output());
    }

    /**
     * Reads {@code dpkg-query -W -f='${db:Status-Status} ${Version}\n'} output.
     *
     * @param exitStatus dpkg-query's exit status (non-zero when the package is unknown)
     * @param output its output
     * @return the version if the package is installed
     */
    public static Optional<String> installedVersion(int exitStatus, String output) {
        if (exitStatus != 0) {
            return Optional.empty();
        }
        return output.lines()
                .map(String::strip)
                .filter(line -> line.startsWith("installed "))
                .map(line -> line.substring("installed ".length()).strip())
                .filter(version -> !version.isEmpty())
                .findFirst();
    }

    /**
     * Refreshes the package lists with {@code apt-get update}, unless this JVM did so already.
     *
     * @param run runs the command
     * @return whether the lists were refreshed by this call
     * @throws FetchException if apt-get update fails
     */
    public static synchronized boolean updateLists(CommandRunner run) {
        if (listsUpdated) {
            return false;
        }
        run.check("refreshing the package lists", ROOT, UPDATE_TIMEOUT, List.of("apt-get", "update"));
        listsUpdated = true;
        return true;
    }

    /**
     * Tells whether this JVM has refreshed the package lists.
     *
     * @return whether {@link #updateLists} ran
     */
    public static synchronized boolean listsUpdated() {
        return listsUpdated;
    }

    /**
     * Returns the command that installs packages.
     *
     * @param packages the packages
     * @return {@code apt-get install -y --no-install-recommends <packages>}
     */
    public static List<String> installCommand(List<String> packages) {
        List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        command.addAll(packages);
        return command;
    }

    /**
     * Installs packages, refreshing the package lists once and trying again if the first attempt fails.
     *
     * @param run runs the commands
     * @param packages the packages
     * @return the exit status of the last attempt, 0 when the packages are installed
     * @throws FetchException if apt-get cannot run or the lists cannot be refreshed
     */
    public static int install(CommandRunner run, List<String> packages) {
        List<String> install = installCommand(packages);
        CommandRunner.Result first = run.run("installing build tools", ROOT, INSTALL_TIMEOUT, install);
        if (first.exitStatus() == 0) {
            return 0;
        }
        updateLists(run);
        return run.run("installing build tools", ROOT, INSTALL_TIMEOUT, install).exitStatus();
    }

    /**
     * Downloads one version of a package into an empty directory, checks that the {@code .deb} is
     * that package and version, and unpacks it into {@code <dir>/tree}.
     *
     * @param run runs the commands and words the failures
     * @param dir an empty working directory
     * @param pkg the package
     * @param version its version
     * @param downloadTimeout how long {@code apt-get download} may take
     * @param dpkgTimeout how long each dpkg command may take
     * @return the unpacked tree
     * @throws FetchException if a command fails or the download is not that package and version
     */
    public static Path downloadAndUnpack(CommandRunner run, Path dir, String pkg, String version,
                                         Duration downloadTimeout, Duration dpkgTimeout) {
        run.check("downloading", dir, downloadTimeout, List.of("apt-get", "download", pkg + "=" + version));
        Path deb;
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
            if (debs.size() != 1) {
                throw run.failure("downloading", "expected one .deb after apt-get download, found " + debs);
            }
            deb = debs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        String step = "reading the package's control fields";
        String fields = run.check(step, dir, dpkgTimeout,
                List.of("dpkg-deb", "--field", deb.toString(), "Package", "Version"));
        if (!fields.contains("Package: " + pkg + "\n") || !fields.contains("Version: " + version + "\n")) {
            throw run.failure(step, "the downloaded " + deb.getFileName() + " is not " + pkg + " " + version
                    + ":\n" + fields);
        }
        Path tree = dir.resolve("tree");
        run.check("unpacking", dir, dpkgTimeout, List.of("dpkg", "-x", deb.toString(), tree.toString()));
        return tree;
    }

    /**
     * Tells whether this process runs as root, the owner of {@code /proc/self}, and so may run
     * {@code apt-get update} and {@code apt-get install}.
     *
     * @return whether the effective user id is 0
     */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
