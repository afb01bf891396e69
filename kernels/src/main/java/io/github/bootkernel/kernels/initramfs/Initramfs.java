package io.github.bootkernel.kernels.initramfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Builds an initramfs image: a "newc" cpio archive (magic {@code 070701}), optionally gzip
 * compressed, as the kernel expects it (Documentation/driver-api/early-userspace/buffer-format.rst).
 *
 * <pre>{@code
 * byte[] image = Initramfs.create()
 *         .file("/bin/busybox", Path.of("busybox"), 0755)
 *         .symlink("/bin/sh", "busybox")
 *         .script("/init", "#!/bin/sh\necho hello\n")
 *         .toBytes();
 * }</pre>
 *
 * <p><b>Paths.</b> A path may be given with or without a leading slash; empty and {@code .}
 * components are dropped ({@code "//bin/./sh"} is {@code /bin/sh}). A {@code ..} component, the
 * root itself and a NUL character are rejected. Adding an entry creates its missing parent
 * directories (mode 0755); such an implied directory may later be added explicitly to give it
 * another mode. Adding the same path twice, or a path below a file or symlink, throws an
 * {@link IllegalArgumentException} naming the path.
 *
 * <p><b>Modes.</b> Modes are permission bits only ({@code 0} to {@code 07777}); the method sets the
 * file type.
 *
 * <p><b>Determinism.</b> The same entries give the same bytes, whatever order they were added in:
 * entries are written sorted by the bytes of their UTF-8 path (so every directory precedes what it
 * contains), inode numbers count from 1 in that order, owner and group are root (0), every mtime is
 * 0, directories have two links and other entries one. The archive ends with the
 * {@code TRAILER!!!} entry, padded to 4 bytes, with no further block padding. Gzip output has a
 * zero mtime in its header as well.
 *
 * <p>Instances are mutable builders and not thread-safe.
 */
public final class Initramfs {

    /** Byte-wise order of UTF-8 paths; a prefix sorts first, so parents precede their children. */
    private static final Comparator<String> PATH_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** The longest path the kernel accepts (PATH_MAX including the NUL). */
    private static final int MAX_PATH_BYTES = 4095;

    private final TreeMap<String, CpioEntry> entries = new TreeMap<>(PATH_ORDER);
    private boolean gzip;

    private Initramfs() {
    }

    /**
     * Starts an empty, uncompressed image.
     *
     * @return a new builder
     */
    public static Initramfs create() {
        return new Initramfs();
    }

    /**
     * Adds a regular file with mode 0644.
     *
     * @param path the path inside the image, for example {@code /etc/hostname}
     * @param content the file's contents (copied)
     * @return this builder
     * @throws IllegalArgumentException if the path is invalid or already taken
     */
    public Initramfs file(String path, byte[] content) {
        return file(path, content, 0644);
    }

    /**
     * Adds a regular file.
     *
     * @param path the path inside the image
     * @param content the file's contents (copied)
     * @param mode the permission bits, for example {@code 0755}
     * @return this builder
     * @throws IllegalArgumentException if the path or mode is invalid or the path is already taken
     */
    public Initramfs file(String path, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(path, CpioEntry.S_IFREG, mode, content.clone(), 0, 0);
    }

    /**
     * Adds a copy of a host file; its mode is 0755 if the owner may execute it, else 0644. The file
     * is read now.
     *
     * @param path the path inside the image
     * @param hostFile the file to copy
     * @return this builder
     * @throws IllegalArgumentException if the path is invalid or already taken
     * @throws UncheckedIOException if the host file cannot be read
     */
    public Initramfs file(String path, Path hostFile) {
        Objects.requireNonNull(hostFile, "hostFile");
        int mode;
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(hostFile);
            mode = permissions.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + hostFile, e);
        } catch (UnsupportedOperationException e) {
            mode = 0644;
        }
        return file(path, hostFile, mode);
    }

    /**
     * Adds a copy of a host file with the given mode. The file is read now.
     *
     * @param path the path inside the image
     * @param hostFile the file to copy
     * @param mode the permission bits
     * @return this builder
     * @throws IllegalArgumentException if the path or mode is invalid or the path is already taken
     * @throws UncheckedIOException if the host file cannot be read
     */
    public Initramfs file(String path, Path hostFile, int mode) {
        Objects.requireNonNull(hostFile, "hostFile");
        byte[] content;
        try {
            content = Files.readAllBytes(hostFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + hostFile + " for initramfs entry " + path, e);
        }
        return add(path, CpioEntry.S_IFREG, mode, content, 0, 0);
    }

    /**
     * Adds a text file (UTF-8) with mode 0644.
     *
     * @param path the path inside the image
     * @param content the text
     * @return this builder
     * @throws IllegalArgumentException if the path is invalid or already taken
     */
    public Initramfs textFile(String path, String content) {
        Objects.requireNonNull(content, "content");
        return add(path, CpioEntry.S_IFREG, 0644, content.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /**
     * Adds an executable script (UTF-8, mode 0755). It must start with an interpreter line such as
     * {@code #!/bin/sh}, because the kernel cannot run it otherwise.
     *
     * @param path the path inside the image, for example {@code /init}
     * @param content the script, starting with {@code #!}
     * @return this builder
     * @throws IllegalArgumentException if the script has no {@code #!} line, or the path is invalid or
     *     already taken
     */
    public Initramfs script(String path, String content) {
        Objects.requireNonNull(content, "content");
        if (!content.startsWith("#!")) {
            throw new IllegalArgumentException("script " + display(path) + " must start with an interpreter "
                    + "line such as #!/bin/sh");
        }
        return add(path, CpioEntry.S_IFREG, 0755, content.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /**
     * Adds a directory with mode 0755.
     *
     * @param path the path inside the image
     * @return this builder
     * @throws IllegalArgumentException if the path is invalid or already taken
     */
    public Initramfs directory(String path) {
        return directory(path, 0755);
    }

    /**
     * Adds a directory. A directory that is only implied by entries below it may be added this way
     * once, to set its mode.
     *
     * @param path the path inside the image
     * @param mode the permission bits
     * @return this builder
     * @throws IllegalArgumentException if the path or mode is invalid or the path is already taken
     */
    public Initramfs directory(String path, int mode) {
        return add(path, CpioEntry.S_IFDIR, mode, new byte[0], 0, 0);
    }

    /**
     * Adds a symbolic link (mode 0777, as links always have).
     *
     * @param path the link's path inside the image
     * @param target what the link points to, absolute or relative to the link's directory; it is
     *     stored as given
     * @return this builder
     * @throws IllegalArgumentException if the path is invalid or taken, or the target is empty or
     *     contains NUL
     */
    public Initramfs symlink(String path, String target) {
        Objects.requireNonNull(target, "target");
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("symlink " + display(path) + " needs a non-empty target "
                    + "without NUL, got '" + target + "'");
        }
        return add(path, CpioEntry.S_IFLNK, 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /**
     * Adds a character device node, for example {@code /dev/console} (5, 1). The kernel creates it
     * while unpacking; no privileges are needed to build the image.
     *
     * @param path the path inside the image
     * @param mode the permission bits, for example {@code 0600}
     * @param major the device's major number
     * @param minor the device's minor number
     * @return this builder
     * @throws IllegalArgumentException if the path, mode or numbers are invalid or the path is taken
     */
    public Initramfs characterDevice(String path, int mode, int major, int minor) {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("device " + display(path) + " needs non-negative numbers, got "
                    + major + ", " + minor);
        }
        return add(path, CpioEntry.S_IFCHR, mode, new byte[0], major, minor);
    }

    /**
     * Chooses whether {@link #toBytes()} and {@link #writeTo(Path)} gzip the archive. The default is
     * no compression, which the kernel unpacks fastest.
     *
     * @param enabled whether to compress
     * @return this builder
     */
    public Initramfs gzip(boolean enabled) {
        this.gzip = enabled;
        return this;
    }

    /**
     * Tells whether the output is gzip compressed.
     *
     * @return whether {@link #gzip(boolean)} enabled compression
     */
    public boolean isGzip() {
        return gzip;
    }

    /**
     * Tells whether the image has an entry at a path, added or implied.
     *
     * @param path a path, with or without leading slash
     * @return whether an entry exists there
     * @throws IllegalArgumentException if the path is invalid
     */
    public boolean contains(String path) {
        return entries.containsKey(normalize(path));
    }

    /**
     * Lists the entries' paths, each with a leading slash, in archive order.
     *
     * @return the paths, implied directories included
     */
    public List<String> paths() {
        return entries.keySet().stream().map(name -> "/" + name).toList();
    }

    /**
     * Returns the archive, gzip compressed if enabled.
     *
     * @return the image's bytes
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen with a byte array stream", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the archive to a file, replacing it, gzip compressed if enabled.
     *
     * @param file the file to write
     * @return {@code file}
     * @throws UncheckedIOException if writing fails
     */
    public Path writeTo(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initramfs to " + file, e);
        }
        return file;
    }

    /**
     * Writes the archive to a stream, gzip compressed if enabled. The stream is not closed.
     *
     * @param out where the archive goes
     * @throws IOException if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        List<CpioEntry> ordered = new ArrayList<>(entries.values());
        if (gzip) {
            GZIPOutputStream compressed = new GZIPOutputStream(out, 1 << 16);
            CpioWriter.write(ordered, compressed);
            compressed.finish();
        } else {
            CpioWriter.write(ordered, out);
        }
        out.flush();
    }

    private Initramfs add(String path, int type, int mode, byte[] data, int major, int minor) {
        String name = normalize(path);
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode 0" + Integer.toOctalString(mode) + " for " + display(name)
                    + " has bits outside 07777; give permission bits only");
        }
        CpioEntry existing = entries.get(name);
        if (existing != null && !(existing.implicit() && type == CpioEntry.S_IFDIR)) {
            throw new IllegalArgumentException("duplicate initramfs entry " + display(name) + ": it is already "
                    + (existing.implicit() ? "a directory implied by the entries below it" : "a " + existing.kind()));
        }
        List<String> missing = new ArrayList<>();
        for (int slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
            String parent = name.substring(0, slash);
            CpioEntry entry = entries.get(parent);
            if (entry == null) {
                missing.add(parent);
            } else if (!entry.isDirectory()) {
                throw new IllegalArgumentException("cannot add initramfs entry " + display(name) + ": its parent "
                        + display(parent) + " is a " + entry.kind() + ", not a directory");
            } else {
                break;
            }
        }
        for (String parent : missing) {
            entries.put(parent, new CpioEntry(parent, CpioEntry.S_IFDIR | 0755, new byte[0], 0, 0, true));
        }
        entries.put(name, new CpioEntry(name, type | mode, data, major, minor, false));
        return this;
    }

    /**
     * Normalizes a path to the archive's form: no leading slash, no empty or {@code .} components.
     *
     * @param path the path as given
     * @return the archive name
     * @throws IllegalArgumentException if the path is empty, the root, contains {@code ..} or NUL, or
     *     is too long
     */
    static String normalize(String path) {
        Objects.requireNonNull(path, "path");
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("initramfs path contains a NUL character: '"
                    + path.replace("\0", "\\0") + "'");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("initramfs path must not contain '..': '" + path + "'");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("initramfs path names no file: '" + path + "'");
        }
        String name = String.join("/", parts);
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("initramfs path is longer than " + MAX_PATH_BYTES + " bytes: '"
                    + path + "'");
        }
        return name;
    }

    private static String display(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
