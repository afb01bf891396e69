package io.github.bootkernel.kernels.internal;

import io.github.bootkernel.kernels.FetchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sanity checks on fetched and built files, so that a wrong file is rejected when it enters the
 * cache rather than when a guest fails to boot from it.
 *
 * <p>Internal API, shared by the {@code kernels} packages; it may change without notice.
 */
public final class FileChecks {

    /** Offset of the boot flag 0xAA55 in a bzImage's setup header (Documentation/arch/x86/boot.rst). */
    public static final int BOOT_FLAG_OFFSET = 0x1fe;

    /** Offset of the "HdrS" magic in a bzImage's setup header (Documentation/arch/x86/boot.rst). */
    public static final int BZIMAGE_MAGIC_OFFSET = 0x202;

    /** ELF program header type of the dynamic-loader path. */
    private static final int PT_INTERP = 3;

    /** ELF machine number of x86-64. */
    private static final int EM_X86_64 = 0x3e;

    private FileChecks() {
    }

    /**
     * Fails unless the file is an x86 bzImage: the boot flag 0xAA55 at 0x1fe and the setup
     * header's magic {@code HdrS} at 0x202, as boot.rst defines them. The one bzImage check of
     * this module: fetched, built and cached kernels all pass through it.
     *
     * @param file the file
     * @param what what the file is, for the error message
     * @throws FetchException if it is not a bzImage
     */
    public static void requireBzImage(Path file, String what) {
        String problem = bzImageProblem(file);
        if (problem != null) {
            throw new FetchException(what + " " + file + " is not a bzImage (" + problem + ")");
        }
    }

    /**
     * Tells whether a file is a bzImage, as {@link #requireBzImage} checks it.
     *
     * @param file the file
     * @return whether it is; {@code false} if it is missing, unreadable or too short
     */
    public static boolean isBzImage(Path file) {
        return bzImageProblem(file) == null;
    }

    /**
     * Explains why a file is not a bzImage.
     *
     * @param file the file
     * @return the reason, for example {@code "no HdrS magic at 0x202"}, or {@code null} if it is one
     */
    public static String bzImageProblem(Path file) {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(BZIMAGE_MAGIC_OFFSET + 4);
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        if (start.length < BZIMAGE_MAGIC_OFFSET + 4
                || !new String(start, BZIMAGE_MAGIC_OFFSET, 4, StandardCharsets.US_ASCII).equals("HdrS")) {
            return "no HdrS magic at 0x202";
        }
        if ((start[BOOT_FLAG_OFFSET] & 0xff) != 0x55 || (start[BOOT_FLAG_OFFSET + 1] & 0xff) != 0xaa) {
            return "no boot flag 0xAA55 at 0x1fe";
        }
        return null;
    }

    /**
     * Fails unless the file is a statically linked x86-64 ELF executable: ELF magic, 64-bit,
     * little-endian, machine x86-64 and no {@code PT_INTERP} program header (which a dynamically
     * linked program needs to name its loader).
     *
     * @param file the file
     * @param what what the file is, for the error message
     * @throws FetchException if it is not a static x86-64 ELF executable
     */
    public static void requireStaticElf(Path file, String what) {
        String problem = staticElfProblem(file);
        if (problem != null) {
            throw new FetchException(what + " " + file + " is not a static x86-64 executable: " + problem);
        }
    }

    /**
     * Explains why a file is not a static x86-64 ELF executable.
     *
     * @param file the file
     * @return the reason, or {@code null} if it is one
     */
    public static String staticElfProblem(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            if (header.position() < 64 || header.getInt(0) != 0x464c457f) {
                return "no ELF magic";
            }
            if (header.get(4) != 2 || header.get(5) != 1) {
                return "not a 64-bit little-endian ELF file";
            }
            if (header.getShort(18) != EM_X86_64) {
                return "machine " + header.getShort(18) + " is not x86-64";
            }
            long phoff = header.getLong(32);
            int phentsize = Short.toUnsignedInt(header.getShort(54));
            int phnum = Short.toUnsignedInt(header.getShort(56));
            if (phnum == 0 || phentsize < 4) {
                return "no program headers";
            }
            ByteBuffer table = ByteBuffer.allocate(Math.multiplyExact(phnum, phentsize))
                    .order(ByteOrder.LITTLE_ENDIAN);
            channel.read(table, phoff);
            if (table.position() < table.capacity()) {
                return "program header table runs past the end of the file";
            }
            for (int i = 0; i < phnum; i++) {
                if (table.getInt(i * phentsize) == PT_INTERP) {
                    return "it is dynamically linked (has a PT_INTERP program header)";
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
