package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The apt and dpkg steps that take a package from the Debian archive without installing it:
 * reading the candidate version from {@code apt-cache policy}, and {@code apt-get download} (apt
 * checks the archive's signature and the file's hash), a check of the {@code .deb}'s control
 * fields and {@code dpkg -x} into a directory.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class Apt {

    private static final Pattern CANDIDATE = Pattern.compile("^\\s*Candidate:\\s*(\\S+)\\s*$");

    private Apt() {
    }

    /**
     * Reads the candidate version, the one {@code apt-get download} would fetch, from
     * {@code apt-cache policy} output.
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
