package io.github.bootkernel.kernels.probe;

import io.github.bootkernel.kernels.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The probe: a tiny guest laid out as a bzImage, a test double for the monitor. <b>It is not
 * Linux</b>, and no test may claim "boots Linux" because the probe booted: it proves only that
 * the monitor loads a bzImage and hands over the 32-bit boot protocol state correctly.
 *
 * <p>The probe is written in GNU assembler ({@code probe.S} and {@code probe.ld}, packaged as
 * resources next to this class) and built on first use with binutils ({@code as --32},
 * {@code ld -m elf_i386}, {@code objcopy}) into the cache, {@code Cache.dir("probe")}, under a
 * key derived from the SHA-256 of its sources, so later calls return the same file at once.
 * It boots in milliseconds on any KVM, including instruction-emulating ones such as PVM,
 * because it uses only 32-bit protected-mode code and polled port I/O.
 *
 * <p>Boot it like a kernel with a command line made from the words below, for example
 * {@code "console=ttyS0 " + ProbeKernel.flood(3)}. It prints on the 16550 at 0x3f8:
 * <pre>
 * probe: cmdline=console=ttyS0 probe.flood=3
 * probe: e820 0x0000000000000000 0x000000000009fc00 1
 * probe: e820 0x0000000000100000 0x000000000ff00000 1
 * probe: initrd none
 * probe: ready
 * probe: flood 1
 * probe: flood 2
 * probe: flood 3
 * </pre>
 * and then writes exit status 0 to port {@value #EXIT_PORT}. {@link ProbeOutput} formats and
 * parses these lines and computes the initrd checksum the probe prints. Only the first action
 * word on the command line counts; without one the probe prints {@code probe: done} and exits
 * with status 0. Unknown words are ignored, and so are action words with a malformed number.
 */
public final class ProbeKernel {

    /** Echo serial input ({@code \r} and {@code \n} as {@code \r\n}); byte 0x04 exits with 0. */
    public static final String ECHO = "probe.echo";

    /** Spin forever in a {@code jmp .} loop with interrupts off, to test stopping a busy guest. */
    public static final String SPIN = "probe.spin";

    /** Halt forever with interrupts off ({@code cli; hlt}). */
    public static final String HLT = "probe.hlt";

    /** Triple-fault: empty IDT, then {@code ud2}; the vCPU shuts down (KVM_EXIT_SHUTDOWN). */
    public static final String TRIPLE = "probe.triple";

    /** Reset through the i8042: write 0xFE to port 0x64. */
    public static final String RESET = "probe.reset";

    /** The port a one-byte write of the exit status goes to. */
    public static final int EXIT_PORT = 0xf4;

    /** Where the probe's 32-bit payload runs: its code32_start and pref_address. */
    public static final long LOAD_ADDRESS = 0x100000L;

    /** The longest command line the probe reads (its header's cmdline_size). */
    public static final int COMMAND_LINE_SIZE = 2047;

    /** The probe's sources, resources next to this class, in the order they are hashed. */
    static final List<String> SOURCES = List.of("probe.S", "probe.ld");

    /** Changes whenever the build recipe in {@link ProbeBuild} changes, so the key does too. */
    private static final String RECIPE = "as --32; ld -m elf_i386 -T probe.ld; objcopy -O binary; v1";

    /** The name of the image inside its cache entry. */
    static final String IMAGE_NAME = "probe.bzImage";

    /** Serializes builds within this JVM; across JVMs the final rename decides. */
    private static final Object LOCK = new Object();

    private ProbeKernel() {
    }

    /**
     * Returns the probe image, building it first if the cache does not hold it yet.
     *
     * @return the path of {@code probe.bzImage} in the cache
     * @throws ProbeToolMissingException if {@code as}, {@code ld} or {@code objcopy} is missing
     *         (they come with the Debian package {@code binutils})
     * @throws ProbeBuildException if building fails
     */
    public static Path image() {
        return image(Cache.dir("probe"), ProbeBuild.Toolchain.DEFAULT);
    }

    /**
     * Returns the command-line word that makes the probe print {@code n} lines and exit with 0.
     *
     * @param n how many {@code probe: flood <i>} lines, 0 for an endless stream
     * @return the word {@code probe.flood=n}
     * @throws IllegalArgumentException if {@code n} is negative or does not fit in 32 bits
     */
    public static String flood(long n) {
        if (n < 0 || n > 0xffff_ffffL) {
            throw new IllegalArgumentException("probe.flood takes 0..4294967295 lines, not " + n);
        }
        return "probe.flood=" + n;
    }

    /**
     * Returns the command-line word that makes the probe write {@code status} to port
     * {@value #EXIT_PORT} right after {@code probe: ready}.
     *
     * @param status the exit status, 0 to 255
     * @return the word {@code probe.exit=status}
     * @throws IllegalArgumentException if {@code status} is not in 0..255
     */
    public static String exit(int status) {
        if (status < 0 || status > 255) {
            throw new IllegalArgumentException("probe.exit takes a status of 0..255, not " + status);
        }
        return "probe.exit=" + status;
    }

    /**
     * Returns the image in a cache directory, building it there if needed.
     *
     * @param cacheDir the directory holding one subdirectory per source key
     * @param tools the binutils commands
     * @return the image
     */
    static Path image(Path cacheDir, ProbeBuild.Toolchain tools) {
        List<byte[]> sources = SOURCES.stream().map(ProbeKernel::readSource).toList();
        Path entry = cacheDir.resolve(key(sources));
        Path image = entry.resolve(IMAGE_NAME);
        synchronized (LOCK) {
            if (Files.isRegularFile(image)) {
                return image;
            }
            Path work = null;
            try {
                Files.createDirectories(cacheDir);
                // A stale entry without an image (a crash mid-copy elsewhere) is rebuilt.
                deleteTree(entry);
                work = Files.createTempDirectory(cacheDir, ".build-");
                for (int i = 0; i < SOURCES.size(); i++) {
                    Files.write(work.resolve(SOURCES.get(i)), sources.get(i));
                }
                ProbeBuild.run(work, tools);
                try {
                    Files.move(work, entry, StandardCopyOption.ATOMIC_MOVE);
                    work = null;
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                    // Another JVM finished the same build first; its image is identical.
                    if (!Files.isRegularFile(image)) {
                        throw raced;
                    }
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the cache " + cacheDir + " does not support atomic renames", e);
                }
                return image;
            } catch (IOException e) {
                throw new ProbeBuildException("building the probe image in " + cacheDir + ": "
                        + e.getMessage(), List.of(), e);
            } finally {
                if (work != null) {
                    deleteTreeQuietly(work);
                }
            }
        }
    }

    /**
     * Returns the cache key of the given sources: the first 16 hex digits of a SHA-256 over the
     * build recipe and each source's name, length and bytes.
     *
     * @param sources the contents of {@link #SOURCES}, in order
     * @return the key, for example {@code 3f9a0c5e1b2d4c6f}
     */
    static String key(List<byte[]> sources) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update(RECIPE.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < sources.size(); i++) {
            sha.update(("\0" + SOURCES.get(i) + "\0" + sources.get(i).length + "\0")
                    .getBytes(StandardCharsets.UTF_8));
            sha.update(sources.get(i));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /**
     * Reads one of the probe's sources from the class path.
     *
     * @param name the file name, one of {@link #SOURCES}
     * @return its bytes
     */
    static byte[] readSource(String name) {
        try (InputStream in = ProbeKernel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ProbeBuildException("the probe source " + name + " is missing from the class path"
                        + " (expected as a resource next to " + ProbeKernel.class.getName() + ")",
                        List.of(), null);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the probe source " + name, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException ignored) {
            // A leftover build directory wastes a few kilobytes and is never read.
        }
    }
}
