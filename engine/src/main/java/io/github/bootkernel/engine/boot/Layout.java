package io.github.bootkernel.engine.boot;

/**
 * Where the monitor puts things in guest physical memory. Only constants; the loader decides
 * from these and the image's own requirements.
 */
public final class Layout {

    /** The GDT the 32-bit entry requires (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18). */
    public static final long GDT = 0x500;
    /** An empty IDT: interrupts are off at entry. */
    public static final long IDT = 0x520;
    /** The zero page, {@code struct boot_params}. */
    public static final long ZERO_PAGE = 0x7000;
    /** The kernel command line. */
    public static final long CMDLINE = 0x20000;
    /** Room reserved for the command line at {@link #CMDLINE}. */
    public static final long CMDLINE_MAX = 0x10000;
    /** Start of the extended BIOS data area: RAM below it is usable. */
    public static final long EBDA_START = 0x9fc00;
    /** The legacy VGA, option ROM and BIOS hole ends at 1 MiB. */
    public static final long HIGH_MEMORY = 0x100000;
    /** The BIOS area (ACPI tables from 0xe0000, system BIOS from 0xf0000), reported reserved. */
    public static final long BIOS_START = 0xe0000;
    /** Three pages for VT-x's real-mode TSS, inside the 32-bit MMIO hole. */
    public static final long TSS_ADDRESS = 0xfffb_d000L;
    /** One page for VT-x's real-mode identity map, just below the TSS. */
    public static final long IDENTITY_MAP_ADDRESS = 0xfffb_c000L;
    /** Boot code selector: GDT entry 2. */
    public static final int BOOT_CS = 0x10;
    /** Boot data selector: GDT entry 3. */
    public static final int BOOT_DS = 0x18;

    private Layout() {
    }
}
