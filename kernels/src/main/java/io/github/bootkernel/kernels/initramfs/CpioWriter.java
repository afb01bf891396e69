package io.github.bootkernel.kernels.initramfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes entries as a "newc" cpio archive (magic {@code 070701}), the format the kernel unpacks
 * into its initial root file system (Documentation/driver-api/early-userspace/buffer-format.rst):
 *
 * <pre>
 * cpio_file    := ALGN(4) + cpio_header + filename + "\0" + ALGN(4) + data
 * cpio_trailer := ALGN(4) + cpio_header + "TRAILER!!!\0" + ALGN(4)
 * </pre>
 *
 * <p>A header is the magic and thirteen 8-digit hexadecimal fields: ino, mode, uid, gid, nlink,
 * mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize (including the NUL) and check
 * (0 for newc). Every header starts 4-byte aligned; the name is padded so the data starts aligned,
 * and the data is padded so the next header does. Owner, group and mtime are always 0, inode
 * numbers count from 1 in archive order, directories have two links and everything else one.
 */
final class CpioWriter {

    /** The newc magic. */
    static final String MAGIC = "070701";

    /** The name of the entry that ends an archive. */
    static final String TRAILER = "TRAILER!!!";

    /** Length of a newc header: the magic plus 13 fields of 8 hex digits. */
    static final int HEADER_LENGTH = 6 + 13 * 8;

    private final OutputStream out;
    private long offset;

    private CpioWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes entries in the order given, then the trailer.
     *
     * @param entries the entries, parents before children
     * @param out where the archive goes
     * @throws IOException if writing fails
     */
    static void write(List<CpioEntry> entries, OutputStream out) throws IOException {
        CpioWriter writer = new CpioWriter(out);
        int ino = 1;
        for (CpioEntry entry : entries) {
            int nlink = entry.isDirectory() ? 2 : 1;
            writer.member(ino++, entry.mode(), nlink, entry.rdevMajor(), entry.rdevMinor(), entry.name(),
                    entry.data());
        }
        writer.member(0, 0, 1, 0, 0, TRAILER, new byte[0]);
    }

    private void member(int ino, int mode, int nlink, int rdevMajor, int rdevMinor, String name, byte[] data)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder(HEADER_LENGTH).append(MAGIC);
        for (long field : new long[] {ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor,
                nameBytes.length + 1L, 0}) {
            appendHex(header, field);
        }
        emit(header.toString().getBytes(StandardCharsets.US_ASCII));
        emit(nameBytes);
        emit(new byte[1]);
        align();
        emit(data);
        align();
    }

    /**
     * Appends a field as {@code String.format("%08X", field)} would: upper-case hex digits, at least
     * eight, zero-padded. Not through {@link java.util.Formatter}, whose first use in a fresh JVM
     * (its parser, locale data) cost the command-line tool's start tenths of a second on a slow, emulated CPU.
     */
    static void appendHex(StringBuilder out, long field) {
        String digits = Long.toHexString(field).toUpperCase(Locale.ROOT);
        for (int i = digits.length(); i < 8; i++) {
            out.append('0');
        }
        out.append(digits);
    }

    private void emit(byte[] bytes) throws IOException {
        out.write(bytes);
        offset += bytes.length;
    }

    private void align() throws IOException {
        int padding = (int) (-offset & 3);
        emit(new byte[padding]);
    }
}
