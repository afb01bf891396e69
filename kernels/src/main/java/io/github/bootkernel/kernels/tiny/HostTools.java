package io.github.bootkernel.kernels.tiny;

import io.github.bootkernel.kernels.FetchException;
import io.github.bootkernel.kernels.internal.Apt;
import io.github.bootkernel.kernels.internal.CommandRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The host tools a kernel build needs, the Debian packages that provide them, and what to do when
 * some are missing: install them when running as root on a machine with apt, otherwise fail with
 * one message that names the packages and the command.
 */
final class HostTools {

    /**
     * One thing the build needs.
     *
     * @param what a program on the PATH, or an absolute path of a header file
     * @param debianPackage the Debian package that provides it
     */
    record Need(String what, String debianPackage) {

        boolean isFile() {
            return what.startsWith("/");
        }
    }

    /** Everything a tinyconfig build of linux-source-6.1 needs beyond a base Debian system. */
    static final List<Need> NEEDS = List.of(
            new Need("make", "make"),
            new Need("gcc", "gcc"),
            new Need("/usr/include/stdio.h", "libc6-dev"),
            new Need("flex", "flex"),
            new Need("bison", "bison"),
            new Need("bc", "bc"),
            new Need("/usr/include/libelf.h", "libelf-dev"),
            new Need("tar", "tar"),
            new Need("xz", "xz-utils"),
            new Need("nice", "coreutils"));

    private HostTools() {
    }

    /**
     * Lists the packages of the needs that are not met.
     *
     * @param onPath whether a program is on the PATH
     * @param exists whether a file exists
     * @return the missing packages, in the order of {@link #NEEDS}, without duplicates
     */
    static List<String> missingPackages(Predicate<String> onPath, Predicate<Path> exists) {
        Set<String> missing = new LinkedHashSet<>();
        for (Need need : NEEDS) {
            boolean met = need.isFile() ? exists.test(Path.of(need.what())) : onPath.test(need.what());
            if (!met) {
                missing.add(need.debianPackage());
            }
        }
        return List.copyOf(missing);
    }

    /**
     * Explains what is missing and how to install it.
     *
     * @param id the kernel id
     * @param packages the missing packages
     * @return the message
     */
    static String missingMessage(String id, List<String> packages) {
        return id + ": building the kernel needs the Debian packages " + String.join(", ", packages)
                + ", which are not installed. Install them with:\n  sudo "
                + String.join(" ", Apt.installCommand(packages))
                + "\n(on a distribution without apt, install the same tools from its own packages: make, gcc,"
                + " flex, bison, bc, the libelf headers, tar and xz)";
    }

    /**
     * Makes sure every need is met: installs the missing packages with apt-get when running as
     * root (refreshing the package lists once if the first attempt fails), else fails.
     *
     * @param log the build's log, for the apt commands and progress
     * @param id the kernel id
     * @throws FetchException naming the packages and the command when they are missing and cannot
     *     be installed here
     */
    static void ensure(CommandRunner log, String id) {
        List<String> missing = missingPackages(HostTools::onPath, Files::exists);
        if (missing.isEmpty()) {
            return;
        }
        if (!Apt.isRoot() || !onPath("apt-get")) {
            throw new FetchException(missingMessage(id, missing));
        }
        log.say("installing " + String.join(" ", missing) + " with apt-get (running as root)");
        int status = Apt.install(log, missing);
        if (status != 0) {
            throw new FetchException(log.failure("installing build tools", "`"
                    + String.join(" ", Apt.installCommand(missing)) + "` exited with status " + status).getMessage()
                    + "\n" + missingMessage(id, missing));
        }
        List<String> still = missingPackages(HostTools::onPath, Files::exists);
        if (!still.isEmpty()) {
            throw new FetchException(missingMessage(id, still));
        }
    }

    /**
     * Tells whether a program is on the PATH.
     *
     * @param program the program's name
     * @return whether an executable file of that name is in a PATH directory
     */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
