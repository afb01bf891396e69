package io.github.bootkernel.engine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds the zero page, {@code struct boot_params}: zeroed, with only the image's setup header
 * copied in at 0x1f1 and the fields a boot loader owns filled (boot.rst, "Details of header
 * fields" and "The 32-bit boot protocol").
 */
public final class BootParams {

    /** Size of {@code struct boot_params}. */
    public static final int SIZE = 4096;
    /** {@code acpi_rsdp_addr}: where the ACPI RSDP is (Linux 5.0+ reads it instead of scanning). */
    public static final int ACPI_RSDP_ADDR = 0x070;
    /** {@code ext_ramdisk_image}: bits 63..32 of the initrd address. */
    public static final int EXT_RAMDISK_IMAGE = 0x0c0;
    /** {@code ext_ramdisk_size}. */
    public static final int EXT_RAMDISK_SIZE = 0x0c4;
    /** {@code ext_cmd_line_ptr}. */
    public static final int EXT_CMD_LINE_PTR = 0x0c8;
    /** {@code e820_entries}. */
    public static final int E820_ENTRIES = 0x1e8;
    /** {@code hdr.vid_mode}. */
    public static final int VID_MODE = 0x1fa;
    /** {@code hdr.type_of_loader}. */
    public static final int TYPE_OF_LOADER = 0x210;
    /** {@code hdr.loadflags}. */
    public static final int LOADFLAGS = 0x211;
    /** {@code hdr.code32_start}. */
    public static final int CODE32_START = 0x214;
    /** {@code hdr.ramdisk_image}. */
    public static final int RAMDISK_IMAGE = 0x218;
    /** {@code hdr.ramdisk_size}. */
    public static final int RAMDISK_SIZE = 0x21c;
    /** {@code hdr.cmd_line_ptr}. */
    public static final int CMD_LINE_PTR = 0x228;
    /** {@code e820_table}: up to 128 entries of 20 bytes. */
    public static final int E820_TABLE = 0x2d0;
    /** Capacity of {@code e820_table}. */
    public static final int E820_MAX = 128;
    /** "Undefined" boot loader id: we have none assigned. */
    public static final int LOADER_UNDEFINED = 0xff;
    /** {@code vid_mode} "normal". */
    public static final int VGA_NORMAL = 0xffff;

    private BootParams() {
    }

    /**
     * Builds the zero page.
     *
     * @param image the kernel
     * @param kernelAddress where the protected-mode kernel was loaded: {@code code32_start} must say
     *     so ("relocatable_kernel": "After loading, the boot loader must set the code32_start field
     *     to point to the loaded code")
     * @param cmdlineAddress guest address of the NUL-terminated command line
     * @param initrdAddress guest address of the initrd, 0 if none
     * @param initrdSize bytes of initrd, 0 if none
     * @param e820 the memory map
     * @param rsdp guest address of the ACPI RSDP, 0 for none
     * @return 4096 bytes to write at {@link Layout#ZERO_PAGE}
     */
    public static byte[] build(BzImage image, long kernelAddress, long cmdlineAddress, long initrdAddress,
                               long initrdSize, List<E820Entry> e820, long rsdp) {
        if (e820.size() > E820_MAX) {
            throw new IllegalArgumentException("too many e820 entries: " + e820.size());
        }
        ByteBuffer zp = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        zp.put(BzImage.HEADER_OFFSET, image.header());
        zp.putShort(VID_MODE, (short) VGA_NORMAL);
        zp.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        zp.putInt(CODE32_START, (int) kernelAddress);
        zp.putInt(CMD_LINE_PTR, (int) cmdlineAddress);
        zp.putInt(EXT_CMD_LINE_PTR, (int) (cmdlineAddress >>> 32));
        zp.putInt(RAMDISK_IMAGE, (int) initrdAddress);
        zp.putInt(EXT_RAMDISK_IMAGE, (int) (initrdAddress >>> 32));
        zp.putInt(RAMDISK_SIZE, (int) initrdSize);
        zp.putInt(EXT_RAMDISK_SIZE, (int) (initrdSize >>> 32));
        zp.putLong(ACPI_RSDP_ADDR, rsdp);
        zp.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            E820Entry e = e820.get(i);
            int o = E820_TABLE + 20 * i;
            zp.putLong(o, e.address());
            zp.putLong(o + 8, e.size());
            zp.putInt(o + 16, e.type());
        }
        return zp.array();
    }
}
