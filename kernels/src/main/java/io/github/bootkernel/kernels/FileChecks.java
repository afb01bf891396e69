package io.github.bootkernel.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sanity checks on fetched and built files, so that a wrong file is rejected when it enters the
 * cache rather than when a guest fails to boot from it.
 */
final class FileChecks {

    /** Offset of the "HdrS" magic in a bzImage's setup header (Documentation/arch/x86/boot.rst). */
    static final int BZIMAGE_MAGIC_OFFSET = 0x202;

    /** ELF program header type of the dynamic-loader path. */
    private static final int PT_INTERP = 3;

    /** ELF machine number of x86-64. */
    private static final int EM_X86_64 = 0x3e;

    private FileChecks() {
    }

    /**
     * Fails unless the file is an x86 bzImage: the setup header's magic {@code HdrS} at 0x202.
     *
     * @param file the file
     * @param what what the file is, for the error message
     * @throws FetchException if it is not a bzImage
     */
    static void requireBzImage(Path file, String what) {
        ByteBuffer header = readStart(file, BZIMAGE_MAGIC_OFFSET + 4);
        String magic = header.remaining() < BZIMAGE_MAGIC_OFFSET + 4 ? ""
                : new String(header.array(), BZIMAGE_MAGIC_OFFSET, 4, StandardCharsets.US_ASCII);
        if (!magic.equals("HdrS")) {
            throw new FetchException(what + " " + file + " is not a bzImage (no HdrS magic at 0x202)");
        }
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
    static void requireStaticElf(Path file, String what) {
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
    static String staticElfProblem(Path file) {
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

    private static ByteBuffer readStart(Path file, int length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading until full or end of file
            }
            return buffer.flip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
