package io.github.bootkernel.engine.devices;

/**
 * The sleep control and sleep status registers of a hardware-reduced ACPI platform (ACPI 6.5
 * section 4.8.3.7), one byte each: writing SLP_EN with the sleep type the tables give S5 powers the
 * machine off. This is how a kernel with ACPI powers off ({@code acpi_hw_extended_sleep()} in
 * Linux), so the monitor learns of the power-off from the hardware, not from the console.
 *
 * <p>Offsets: {@link #CONTROL}, write-only, {@code SLP_TYP} in bits 2-4 and {@code SLP_EN} in bit
 * 5; {@link #STATUS}, whose wake status bit (7) never sets: a machine that powered off does not
 * wake. Both read 0. Any other write, other sleep types included, is ignored: the tables offer no
 * other sleep state.
 */
public final class AcpiSleepRegisters implements PortDevice {

    /** Offset of the sleep control register. */
    public static final int CONTROL = 0;
    /** Offset of the sleep status register. */
    public static final int STATUS = 1;
    /** {@code SLP_EN} in the sleep control register. */
    public static final int SLEEP_ENABLE = 0x20;
    /** {@code SLP_TYP} in the sleep control register: bits 2-4. */
    public static final int SLEEP_TYPE_MASK = 0x1c;
    private static final int SLEEP_TYPE_SHIFT = 2;

    private final int softOffType;
    private final Runnable softOff;

    /**
     * @param softOffType the sleep type the tables give S5, 0 to 7
     * @param softOff called on the vCPU thread when the guest enters S5
     */
    public AcpiSleepRegisters(int softOffType, Runnable softOff) {
        if (softOffType < 0 || softOffType > SLEEP_TYPE_MASK >> SLEEP_TYPE_SHIFT) {
            throw new IllegalArgumentException("a sleep type has 3 bits, got " + softOffType);
        }
        this.softOffType = softOffType;
        this.softOff = softOff;
    }

    @Override
    public int read(int offset) {
        return 0;
    }

    @Override
    public void write(int offset, int value) {
        if (offset == CONTROL && (value & SLEEP_ENABLE) != 0
                && (value & SLEEP_TYPE_MASK) >> SLEEP_TYPE_SHIFT == softOffType) {
            softOff.run();
        }
    }
}
