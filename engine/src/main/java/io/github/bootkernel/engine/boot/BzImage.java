package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A validated bzImage: the setup header fields a 32-bit boot needs, the header bytes to copy into
 * the zero page, and the protected-mode kernel. Parsing has no side effects; every field is checked
 * as {@code Documentation/arch/x86/boot.rst} defines it, with overflow-checked arithmetic.
 *
 * @param file where the image came from
 * @param protocol boot protocol version, e.g. 0x020f
 * @param setupSects setup sectors after the boot sector (0 in the file means 4)
 * @param loadflags the {@code loadflags} byte
 * @param xloadflags the {@code xloadflags} word (0 before protocol 2.12)
 * @param code32Start protected-mode entry and load address
 * @param initrdAddrMax highest address the initrd's last byte may occupy
 * @param cmdlineSize longest command line without its NUL
 * @param relocatable whether the kernel may run at another address than it was built for
 * @param kernelAlignment physical alignment a relocatable kernel requires
 * @param prefAddress preferred load address (2.10+), else 0x100000
 * @param initSize bytes of memory the kernel needs from its load address before it sets up its own
 * @param header the setup header bytes, from 0x1f1 to its end, to copy into the zero page
 * @param kernel the protected-mode kernel, loaded at {@code code32Start}
 */
public record BzImage(Path file, int protocol, int setupSects, int loadflags, int xloadflags,
                      long code32Start, long initrdAddrMax, int cmdlineSize, boolean relocatable,
                      long kernelAlignment, long prefAddress, long initSize, byte[] header, byte[] kernel) {

    /** Offset of the setup header in the image and in the zero page. */
    public static final int HEADER_OFFSET = 0x1f1;
    /** Minimum protocol: 2.06 introduced {@code cmdline_size}. */
    public static final int MIN_PROTOCOL = 0x0206;
    /** {@code loadflags} bit: protected-mode code is loaded at 0x100000. */
    public static final int LOADED_HIGH = 0x01;

    private static final int HDRS = 0x53726448; // "HdrS" read little-endian
    private static final long MAX_IMAGE = 512L << 20;
    private static final long DEFAULT_LOAD = 0x100000;

    /**
     * Reads and validates a bzImage file.
     *
     * @param file the kernel image
     * @return the parsed image
     * @throws BootImageException naming the file and the reason when it cannot be booted
     */
    public static BzImage read(Path file) {
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                throw new BootImageException("kernel", file, Files.exists(file) ? "not a regular file" : "no such file");
            }
            size = Files.size(file);
            if (size > MAX_IMAGE) {
                throw new BootImageException("kernel", file, "too large for a bzImage (" + size + " bytes)");
            }
            return parse(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BootImageException("kernel", file, "cannot be read: " + e, e);
        }
    }

    /**
     * Validates a bzImage held in memory.
     *
     * @param file the name used in error messages
     * @param image the whole image
     * @return the parsed image
     * @throws BootImageException naming the file and the reason when it cannot be booted
     */
    public static BzImage parse(Path file, byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < 0x250) {
            throw new BootImageException("kernel", file, "not a bzImage (only " + image.length
                    + " bytes, too short for a setup header)");
        }
        if (b.getInt(0x202) != HDRS) {
            throw new BootImageException("kernel", file, "not a bzImage (no \"HdrS\" magic at 0x202)");
        }
        if (Short.toUnsignedInt(b.getShort(0x1fe)) != 0xAA55) {
            throw new BootImageException("kernel", file, "not a bzImage (boot_flag at 0x1fe is not 0xAA55)");
        }
        int protocol = Short.toUnsignedInt(b.getShort(0x206));
        if (protocol < MIN_PROTOCOL) {
            throw new BootImageException("kernel", file, String.format(
                    "boot protocol %d.%02d is too old; %d.%02d or newer is needed",
                    protocol >> 8, protocol & 0xff, MIN_PROTOCOL >> 8, MIN_PROTOCOL & 0xff));
        }
        int loadflags = Byte.toUnsignedInt(b.get(0x211));
        if ((loadflags & LOADED_HIGH) == 0) {
            throw new BootImageException("kernel", file, "a zImage (LOADED_HIGH clear in loadflags); only bzImage is supported");
        }
        int setupSects = Byte.toUnsignedInt(b.get(0x1f1));
        if (setupSects == 0) {
            setupSects = 4;
        }
        int headerEnd = 0x202 + Byte.toUnsignedInt(b.get(0x201));
        if (headerEnd > image.length || headerEnd <= 0x202) {
            throw new BootImageException("kernel", file, "setup header end 0x" + Integer.toHexString(headerEnd)
                    + " lies outside the image");
        }
        long setupBytes = Math.multiplyExact(setupSects + 1L, 512L);
        if (setupBytes >= image.length) {
            throw new BootImageException("kernel", file, "setup_sects " + setupSects
                    + " leaves no protected-mode kernel in " + image.length + " bytes");
        }
        long syssize = Integer.toUnsignedLong(b.getInt(0x1f4));
        long kernelBytes = image.length - setupBytes;
        if (syssize != 0 && Math.multiplyExact(syssize, 16L) > kernelBytes) {
            throw new BootImageException("kernel", file, "truncated: syssize says " + syssize * 16
                    + " bytes of protected-mode kernel, the file has " + kernelBytes);
        }
        long code32Start = Integer.toUnsignedLong(b.getInt(0x214));
        if (code32Start == 0) {
            code32Start = DEFAULT_LOAD;
        }
        if (code32Start < DEFAULT_LOAD) {
            throw new BootImageException("kernel", file, String.format(
                    "code32_start 0x%x lies below 1 MiB", code32Start));
        }
        long initrdAddrMax = Integer.toUnsignedLong(b.getInt(0x22c));
        if (initrdAddrMax == 0) {
            initrdAddrMax = 0x37ffffffL;
        }
        long kernelAlignment = protocol >= 0x0205 ? Integer.toUnsignedLong(b.getInt(0x230)) : 0;
        boolean relocatable = protocol >= 0x0205 && b.get(0x234) != 0;
        int xloadflags = protocol >= 0x020c ? Short.toUnsignedInt(b.getShort(0x236)) : 0;
        long cmdlineSize = Integer.toUnsignedLong(b.getInt(0x238));
        if (cmdlineSize == 0 || cmdlineSize > 1 << 20) {
            throw new BootImageException("kernel", file, "implausible cmdline_size " + cmdlineSize);
        }
        long prefAddress = protocol >= 0x020a ? b.getLong(0x258) : DEFAULT_LOAD;
        long initSize = protocol >= 0x020a ? Integer.toUnsignedLong(b.getInt(0x260)) : 0;
        if (initSize == 0) {
            initSize = kernelBytes;
        }
        if (prefAddress < 0 || prefAddress > 1L << 40) {
            throw new BootImageException("kernel", file, String.format("implausible pref_address 0x%x", prefAddress));
        }
        byte[] header = Arrays.copyOfRange(image, HEADER_OFFSET, headerEnd);
        byte[] kernel = Arrays.copyOfRange(image, (int) setupBytes, image.length);
        return new BzImage(file, protocol, setupSects, loadflags, xloadflags, code32Start, initrdAddrMax,
                (int) cmdlineSize, relocatable, kernelAlignment, prefAddress, initSize, header, kernel);
    }

    /**
     * The first address past the memory the kernel occupies while it decompresses and starts: from
     * the higher of its load and preferred addresses, {@code init_size} bytes.
     *
     * @return an exclusive end address
     */
    public long footprintEnd() {
        long base = relocatable ? Math.max(code32Start, prefAddress) : code32Start;
        return Math.addExact(base, Math.max(initSize, kernel.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BzImage other && file.equals(other.file) && Arrays.equals(header, other.header)
                && Arrays.equals(kernel, other.kernel);
    }

    @Override
    public int hashCode() {
        return 31 * file.hashCode() + Arrays.hashCode(header);
    }

    @Override
    public String toString() {
        return String.format("BzImage[%s, protocol %d.%02d, %d bytes protected-mode, code32_start 0x%x, "
                        + "pref_address 0x%x, init_size 0x%x]", file, protocol >> 8, protocol & 0xff,
                kernel.length, code32Start, prefAddress, initSize);
    }
}
