package io.github.bootkernel.engine.boot;

/**
 * One entry of the BIOS e820 memory map the kernel receives in the zero page.
 *
 * @param address first byte
 * @param size length in bytes
 * @param type {@link #RAM} or {@link #RESERVED}
 */
public record E820Entry(long address, long size, int type) {

    /** Usable RAM. */
    public static final int RAM = 1;
    /** Reserved: not to be used by the kernel. */
    public static final int RESERVED = 2;
}
