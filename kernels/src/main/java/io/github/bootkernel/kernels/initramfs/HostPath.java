package io.github.bootkernel.kernels.initramfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A host file or directory to put into an initramfs at a path, written {@code HOST:GUEST} as the
 * command-line tool's {@code --put} and the extension's {@code @BootKernel(files = ...)} take it.
 *
 * <pre>{@code
 * Initramfs image = Initramfs.create();
 * HostPath.parse("target/mytool:/usr/bin/mytool").addTo(image);
 * HostPath.parse("src/test/data:/data").addTo(image);   // the directory and all it holds
 * }</pre>
 *
 * <p>Permission bits are kept, setuid, setgid and sticky included; owners become root, times 0
 * (as everything {@link Initramfs} writes). A directory is added with everything below it;
 * symbolic links below it stay links (their target as stored), while the named path itself is
 * followed. Files are read when {@link #addTo} runs.
 *
 * @param host the file or directory on the host; a relative path is relative to the working
 *     directory
 * @param guest where it goes in the image: an absolute path
 */
public record HostPath(Path host, String guest) {

    /**
     * Checks the parts.
     *
     * @param host the host file or directory
     * @param guest an absolute path in the image
     * @throws IllegalArgumentException if {@code guest} is not absolute
     */
    public HostPath {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(guest, "guest");
        if (!guest.startsWith("/")) {
            throw new IllegalArgumentException("the guest path of " + host + " must be absolute, got '" + guest + "'");
        }
    }

    /**
     * Parses {@code HOST:GUEST}. The guest path is absolute, so the split is at the last
     * {@code ":/"}: a host path may hold colons.
     *
     * @param spec for example {@code target/mytool:/usr/bin/mytool}
     * @return the pair
     * @throws IllegalArgumentException if {@code spec} has no {@code ":/"} or an empty host part
     */
    public static HostPath parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int split = spec.lastIndexOf(":/");
        if (split <= 0) {
            throw new IllegalArgumentException("'" + spec + "' is not HOST:GUEST (a host path, a colon and an"
                    + " absolute guest path, for example target/mytool:/usr/bin/mytool)");
        }
        return new HostPath(Path.of(spec.substring(0, split)), spec.substring(split + 1));
    }

    /**
     * Adds the host file, or the directory and everything below it, to an image.
     *
     * @param image the image to add to
     * @return {@code image}
     * @throws IllegalArgumentException if the host path does not exist, holds something other than
     *     files, directories and symbolic links, or an entry's path is taken in the image
     * @throws UncheckedIOException if reading fails
     */
    public Initramfs addTo(Initramfs image) {
        if (!Files.exists(host)) {
            throw new IllegalArgumentException("no such file or directory: " + host + " (for " + this + ")");
        }
        if (!Files.isDirectory(host)) {
            return addFile(image, host, guest);
        }
        try {
            Path root = host.toRealPath(); // the named directory itself may be a link
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path each : walk.toList()) {
                    add(image, each, root.relativize(each).toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + host + " for " + this, e);
        }
        return image;
    }

    private void add(Initramfs image, Path each, String relative) throws IOException {
        String target = relative.isEmpty() ? guest : (guest.endsWith("/") ? guest : guest + "/") + relative;
        if (!relative.isEmpty() && Files.isSymbolicLink(each)) {
            image.symlink(target, Files.readSymbolicLink(each).toString());
        } else if (Files.isDirectory(each, LinkOption.NOFOLLOW_LINKS)) {
            if (!target.equals("/")) {
                image.directory(target, modeOf(each));
            }
        } else {
            addFile(image, each, target);
        }
    }

    private static Initramfs addFile(Initramfs image, Path file, String target) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a regular file, directory or symbolic link; only"
                    + " those go into an initramfs");
        }
        return image.file(target, file, modeOf(file));
    }

    /**
     * Returns the permission bits a host file or directory brings along: {@code st_mode & 07777}
     * (setuid, setgid and sticky included) where the JDK shows it, as on Linux; else the POSIX
     * permissions; else 0755 for directories and executables and 0644 for other files.
     *
     * @param path a host file or directory, followed if it is a link
     * @return the bits, 0 to 07777
     * @throws UncheckedIOException if they cannot be read
     */
    public static int modeOf(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode")) & 07777;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return posixMode(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mode of " + path, e);
        }
    }

    private static int posixMode(Path path) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            int mode = 0;
            List<PosixFilePermission> order = List.of(PosixFilePermission.values());
            for (PosixFilePermission p : permissions) {
                mode |= 0400 >> order.indexOf(p);
            }
            return mode;
        } catch (UnsupportedOperationException e) {
            return Files.isDirectory(path) || Files.isExecutable(path) ? 0755 : 0644;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + path, e);
        }
    }

    /** @return {@code HOST:GUEST} */
    @Override
    public String toString() {
        return host + ":" + guest;
    }
}
