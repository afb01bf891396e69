package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.memory.GuestMemory;
import java.util.List;

/**
 * Where things are in guest physical memory: the one place that says it. The loader places the
 * kernel, command line and initrd from these and the image's own requirements; RAM goes around
 * the 32-bit MMIO hole that holds the IOAPIC, the local APIC and VT-x's real-mode pages.
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
    /** The BIOS area (ACPI tables from 0xe0000, the MP table from 0xf0000), reported reserved. */
    public static final long BIOS_START = 0xe0000;
    /**
     * The MP floating pointer and configuration table: at the start of the system BIOS area, one of
     * the places Linux scans for the pointer ({@code smp_scan_config(0xF0000, 0x10000)} in
     * {@code mpparse.c}) and where kvmtool puts its table too. The 1 KiB EBDA is too small: the
     * table takes 220 bytes plus 20 per CPU, 1500 for 64.
     */
    public static final long MP_TABLE = 0xf0000;
    /** The ACPI tables, RSDP first: in the BIOS area, where kernels that scan for the RSDP find it. */
    public static final long ACPI_TABLES = BIOS_START;
    /** Bytes reserved for the ACPI tables: up to the system BIOS area at 0xf0000. */
    public static final int ACPI_TABLES_MAX = 0x10000;
    /** Where the 32-bit MMIO hole begins: no RAM from here to 4 GiB. */
    public static final long MMIO_HOLE_START = 0xC000_0000L;
    /** The IOAPIC's registers (KVM's in-kernel IOAPIC). */
    public static final long IOAPIC = 0xfec0_0000L;
    /** The local APICs' registers. */
    public static final long LAPIC = 0xfee0_0000L;
    /** Where RAM resumes above the hole. */
    public static final long HIGH_RAM_START = 0x1_0000_0000L;
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

    /**
     * Places a RAM size in guest physical memory: from 0 up to the MMIO hole, the rest from 4 GiB.
     *
     * @param size bytes of RAM, a positive multiple of {@link GuestMemory#PAGE}
     * @return one region below the hole, and a second above 4 GiB if needed; the host mapping
     *     holds them back to back
     */
    public static List<GuestMemory.Region> ram(long size) {
        if (size <= 0 || size % GuestMemory.PAGE != 0) {
            throw new IllegalArgumentException("guest RAM must be a positive multiple of 4 KiB, got " + size);
        }
        long low = Math.min(size, MMIO_HOLE_START);
        if (size == low) {
            return List.of(new GuestMemory.Region(0, low, 0));
        }
        return List.of(new GuestMemory.Region(0, low, 0), new GuestMemory.Region(HIGH_RAM_START, size - low, low));
    }
}
