package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A validated bzImage: the setup header fields a 32-bit boot needs, the header bytes to copy into
 * the zero page, where the protected-mode kernel lies in the file, and where it is loaded and runs.
 * Parsing reads only the start of the file ({@link #HEAD_BYTES}) and its size, so no check waits for
 * the whole kernel to be read; it has no side effects. Every field is checked as
 * {@code Documentation/arch/x86/boot.rst} defines it, with overflow-checked arithmetic; the sections
 * cited below are that file's.
 *
 * @param file where the image came from
 * @param protocol boot protocol version, e.g. 0x020f
 * @param setupSects setup sectors after the boot sector (0 in the file means 4)
 * @param loadflags the {@code loadflags} byte
 * @param xloadflags the {@code xloadflags} word (0 before protocol 2.12)
 * @param code32Start the header's {@code code32_start} (0 in the file means 0x100000): where a
 *     non-relocatable kernel is loaded
 * @param initrdAddrMax highest address the initrd's last byte may occupy
 * @param cmdlineSize longest command line without its NUL
 * @param relocatable whether the kernel may be loaded at another address than {@code code32Start}
 * @param kernelAlignment physical alignment a relocatable kernel requires (a power of two when
 *     {@code relocatable})
 * @param prefAddress the header's {@code pref_address} (2.10+); before 2.10, {@code code32Start}
 * @param initSize bytes of memory the kernel needs from its runtime address before it can read its
 *     memory map (0 in the file, or before 2.10: the protected-mode kernel's size)
 * @param header the setup header bytes, from 0x1f1 to its end, to copy into the zero page
 * @param kernelOffset where the protected-mode kernel starts in the file: {@code (setupSects + 1) * 512}
 * @param kernelSize bytes of protected-mode kernel: the rest of the file from {@code kernelOffset}
 */
public record BzImage(Path file, int protocol, int setupSects, int loadflags, int xloadflags,
                      long code32Start, long initrdAddrMax, int cmdlineSize, boolean relocatable,
                      long kernelAlignment, long prefAddress, long initSize, byte[] header,
                      long kernelOffset, long kernelSize) {

    /** Offset of the setup header in the image and in the zero page. */
    public static final int HEADER_OFFSET = 0x1f1;
    /** Minimum protocol: 2.06 introduced {@code cmdline_size}. */
    public static final int MIN_PROTOCOL = 0x0206;
    /** {@code loadflags} bit: protected-mode code is loaded at 0x100000. */
    public static final int LOADED_HIGH = 0x01;
    /** How many bytes from the start of the file {@link #parse(Path, byte[], long)} reads: the setup header's reach. */
    public static final int HEAD_BYTES = 0x400;

    private static final int HDRS = 0x53726448; // "HdrS" read little-endian
    /** Larger files are refused at once; smaller ones keep every address sum far from overflow. */
    private static final long MAX_FILE = 1L << 40;
    /** The bzImage load address ("Loading The Rest of The Kernel"). */
    private static final long DEFAULT_LOAD = 0x100000;
    /**
     * The setup header ends at most 144 bytes after 0x1f1 (section "The kernel_info": "setup_header
     * is permanently limited to 144 bytes"), as the signed byte of the {@code jump} at 0x200 reaches.
     */
    private static final int HEADER_MAX_END = HEADER_OFFSET + 144;
    /** The header fields this loader reads, by the protocol that introduced them: up to cmdline_size (2.06). */
    private static final int FIELDS_END_206 = 0x23c;
    /** ... and up to init_size (2.10). */
    private static final int FIELDS_END_210 = 0x264;

    /** Validates the components; {@link #read} and {@link #parse} derive them from a file. */
    public BzImage {
        Objects.requireNonNull(file, "file");
        header = header.clone();
    }

    /**
     * Reads and validates a bzImage file: only its first {@link #HEAD_BYTES} bytes and its size.
     *
     * @param file the kernel image
     * @return the parsed image
     * @throws BootImageException naming the file and the reason when it cannot be booted
     */
    public static BzImage read(Path file) {
        try (InputFile in = InputFile.open("kernel", file)) {
            return read(in);
        }
    }

    /**
     * Validates an open kernel file from its first {@link #HEAD_BYTES} bytes and its size.
     *
     * @param in the kernel, open
     * @return the parsed image
     * @throws BootImageException naming the file and the reason when it cannot be booted
     */
    public static BzImage read(InputFile in) {
        return parse(in.path(), in.head(HEAD_BYTES), in.size());
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
        return parse(file, image, image.length);
    }

    /**
     * Validates a bzImage from the start of its file and the file's size.
     *
     * @param file the name used in error messages
     * @param head the file's first bytes: at least {@code min(fileSize, HEAD_BYTES)} of them
     * @param fileSize the whole file's size in bytes
     * @return the parsed image
     * @throws BootImageException naming the file and the reason when it cannot be booted
     * @throws IllegalArgumentException if {@code head} is shorter than that
     */
    public static BzImage parse(Path file, byte[] head, long fileSize) {
        if (fileSize < 0 || head.length < Math.min(fileSize, HEAD_BYTES)) {
            throw new IllegalArgumentException("need the first min(" + fileSize + ", " + HEAD_BYTES
                    + ") bytes of the file, got " + head.length);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (fileSize < 0x250) {
            throw reject(file, "not a bzImage (only " + fileSize + " bytes, too short for a setup header)");
        }
        if (fileSize > MAX_FILE) {
            throw reject(file, "not a bzImage (" + fileSize + " bytes, more than any guest's RAM)");
        }
        if (b.getInt(0x202) != HDRS) {
            throw reject(file, "not a bzImage (no \"HdrS\" magic at 0x202)");
        }
        if (Short.toUnsignedInt(b.getShort(0x1fe)) != 0xAA55) {
            throw reject(file, "not a bzImage (boot_flag at 0x1fe is not 0xAA55)");
        }
        int protocol = Short.toUnsignedInt(b.getShort(0x206));
        if (protocol < MIN_PROTOCOL) {
            throw reject(file, String.format("boot protocol %d.%02d is too old; %d.%02d or newer is needed",
                    protocol >> 8, protocol & 0xff, MIN_PROTOCOL >> 8, MIN_PROTOCOL & 0xff));
        }
        int loadflags = Byte.toUnsignedInt(b.get(0x211));
        if ((loadflags & LOADED_HIGH) == 0) {
            throw reject(file, "a zImage (LOADED_HIGH clear in loadflags); only bzImage is supported");
        }
        int headerEnd = headerEnd(file, b, protocol, fileSize);
        int setupSects = Byte.toUnsignedInt(b.get(0x1f1));
        if (setupSects == 0) {
            setupSects = 4; // "setup_sects": "If this field is 0, the real value is 4."
        }
        long setupBytes = (setupSects + 1L) * 512L;
        if (setupBytes >= fileSize) {
            throw reject(file, "setup_sects " + setupSects + " leaves no protected-mode kernel in "
                    + fileSize + " bytes");
        }
        long kernelBytes = fileSize - setupBytes;
        long syssize = Integer.toUnsignedLong(b.getInt(0x1f4));
        if (syssize != 0 && syssize * 16 > kernelBytes) {
            throw reject(file, "truncated: syssize says " + syssize * 16
                    + " bytes of protected-mode kernel, the file has " + kernelBytes);
        }
        long code32Start = Integer.toUnsignedLong(b.getInt(0x214));
        if (code32Start == 0) {
            code32Start = DEFAULT_LOAD;
        }
        if (code32Start < DEFAULT_LOAD) {
            throw reject(file, String.format("code32_start 0x%x lies below 1 MiB", code32Start));
        }
        long initrdAddrMax = Integer.toUnsignedLong(b.getInt(0x22c));
        if (initrdAddrMax == 0) {
            initrdAddrMax = 0x37ffffffL;
        }
        long kernelAlignment = Integer.toUnsignedLong(b.getInt(0x230));
        boolean relocatable = b.get(0x234) != 0;
        if (relocatable && Long.bitCount(kernelAlignment) != 1) {
            throw reject(file, String.format("relocatable, but kernel_alignment 0x%x is not a power of two",
                    kernelAlignment));
        }
        int xloadflags = protocol >= 0x020c ? Short.toUnsignedInt(b.getShort(0x236)) : 0;
        long cmdlineSize = Integer.toUnsignedLong(b.getInt(0x238));
        if (cmdlineSize == 0 || cmdlineSize > 1 << 20) {
            throw reject(file, "implausible cmdline_size " + cmdlineSize);
        }
        long prefAddress = protocol >= 0x020a ? b.getLong(0x258) : code32Start;
        if (prefAddress < 0 || prefAddress > 1L << 40) {
            throw reject(file, String.format("implausible pref_address 0x%x", prefAddress));
        }
        long initSize = protocol >= 0x020a ? Integer.toUnsignedLong(b.getInt(0x260)) : 0;
        if (initSize == 0) {
            initSize = kernelBytes;
        }
        byte[] header = Arrays.copyOfRange(head, HEADER_OFFSET, headerEnd);
        return new BzImage(file, protocol, setupSects, loadflags, xloadflags, code32Start, initrdAddrMax,
                (int) cmdlineSize, relocatable, kernelAlignment, prefAddress, initSize, header, setupBytes,
                kernelBytes);
    }

    /**
     * The end of the setup header, {@code 0x202 + byte at 0x201} ("32-bit Boot Protocol"): inside
     * the file, at most 144 bytes from 0x1f1, and far enough to hold every field of the protocol
     * the image claims that this loader reads.
     */
    private static int headerEnd(Path file, ByteBuffer b, int protocol, long fileSize) {
        int headerEnd = 0x202 + Byte.toUnsignedInt(b.get(0x201));
        if (headerEnd > fileSize || headerEnd <= 0x202) {
            throw reject(file, "setup header end 0x" + Integer.toHexString(headerEnd) + " lies outside the image");
        }
        if (headerEnd > HEADER_MAX_END) {
            throw reject(file, String.format("setup header end 0x%x lies past 0x%x: boot.rst limits the header "
                    + "to 144 bytes", headerEnd, HEADER_MAX_END));
        }
        int needed = protocol >= 0x020a ? FIELDS_END_210 : FIELDS_END_206;
        if (headerEnd < needed) {
            throw reject(file, String.format("setup header end 0x%x lies before 0x%x, the end of the fields "
                    + "of boot protocol %d.%02d", headerEnd, needed, protocol >> 8, protocol & 0xff));
        }
        return headerEnd;
    }

    private static BootImageException reject(Path file, String reason) {
        return new BootImageException("kernel", file, reason);
    }

    /**
     * Where the loader puts the protected-mode kernel, which is also the 32-bit entry point
     * ("32-bit Boot Protocol": "the start address of loaded 32/64-bit kernel") and what the zero
     * page's {@code code32_start} then says.
     * <ul>
     *   <li>Not relocatable: {@code code32_start} ("code32_start": it "defaults to the load address
     *       of the kernel, and can be used by the boot loader to determine the proper load
     *       address"), 0x100000 for every bzImage built by Linux ("Loading The Rest of The Kernel").
     *   <li>Relocatable: the loader chooses any address "that satisfies the kernel_alignment field"
     *       ("relocatable_kernel"); this one takes {@code pref_address} ("A relocating bootloader
     *       should attempt to load at this address if possible"), raised to 1 MiB if it is lower
     *       and aligned up to {@code kernel_alignment}. Loaded there, the kernel runs where it was
     *       loaded, which is also where Linux's own decompressor puts it (never below
     *       {@code pref_address}), so the footprint below is the one the kernel uses.
     * </ul>
     *
     * @return a guest physical address, at least 1 MiB
     */
    public long loadAddress() {
        return relocatable ? alignUp(Math.max(prefAddress, DEFAULT_LOAD), kernelAlignment) : code32Start;
    }

    /**
     * Where the kernel will run, from which it needs {@link #runtimeSize()} bytes ("init_size"):
     * <pre>
     * if (relocatable_kernel)
     *     runtime_start = align_up(load_address, kernel_alignment)
     * else
     *     runtime_start = pref_address
     * </pre>
     * ("pref_address": "A non-relocatable kernel will unconditionally move itself and to run at
     * this address.") Before protocol 2.10 there is no {@code pref_address}: a non-relocatable
     * kernel of that age runs where it is loaded.
     *
     * @return a guest physical address; below 1 MiB only for a header the loader then refuses
     */
    public long runtimeAddress() {
        return relocatable ? alignUp(loadAddress(), kernelAlignment) : prefAddress;
    }

    /**
     * The memory the kernel needs from {@link #runtimeAddress()}: {@code init_size} ("the amount of
     * linear contiguous memory starting at the kernel runtime start address that the kernel needs
     * before it is capable of examining its memory map"), and at least the protected-mode kernel,
     * which moves itself there.
     *
     * @return bytes
     */
    public long runtimeSize() {
        return Math.max(initSize, kernelSize);
    }

    /**
     * The first address of the kernel's footprint: the lower of where it is loaded and where it runs.
     *
     * @return a guest physical address
     */
    public long footprintStart() {
        return Math.min(loadAddress(), runtimeAddress());
    }

    /**
     * The first address past the kernel's footprint: past both the loaded protected-mode kernel and
     * the {@link #runtimeSize()} bytes from where it runs. Nothing else may be put in
     * {@code [footprintStart(), footprintEnd())} while the kernel starts.
     *
     * @return an exclusive end address
     */
    public long footprintEnd() {
        return Math.max(Math.addExact(loadAddress(), kernelSize), Math.addExact(runtimeAddress(), runtimeSize()));
    }

    private static long alignUp(long value, long alignment) {
        return Math.addExact(value, alignment - 1) & -alignment;
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BzImage other && file.equals(other.file) && Arrays.equals(header, other.header)
                && kernelOffset == other.kernelOffset && kernelSize == other.kernelSize;
    }

    @Override
    public int hashCode() {
        return 31 * file.hashCode() + Arrays.hashCode(header);
    }

    @Override
    public String toString() {
        return String.format("BzImage[%s, protocol %d.%02d, %d bytes protected-mode, %s, code32_start 0x%x, "
                        + "pref_address 0x%x, init_size 0x%x]", file, protocol >> 8, protocol & 0xff, kernelSize,
                relocatable ? "relocatable" : "not relocatable", code32Start, prefAddress, initSize);
    }
}
