package io.github.bootkernel.engine.boot;

import java.util.Objects;

/**
 * A legacy ISA device as the platform tables describe it to the guest: where its registers sit
 * in the port space and which ISA interrupt it raises. The wiring that places the device model on
 * the port bus and routes its interrupt reads the same record, so the tables and the devices
 * cannot disagree.
 *
 * <p>In the DSDT it becomes {@code Device (NAME) { _HID, _UID, _CRS { IO, IRQNoFlags } }} (ACPI 6.5
 * section 6.1.5 and 6.4.2); a hardware-reduced platform must declare a device this way for Linux to
 * give it an interrupt.
 *
 * @param name the ACPI name segment, four characters {@code [A-Z_][A-Z0-9_]{3}}, e.g. {@code COM1}
 * @param hardwareId the EISA PNP id, e.g. {@code PNP0501} for a 16550A-compatible UART
 * @param uid the ACPI {@code _UID}, distinct among devices with the same {@code hardwareId}
 * @param ioBase the first I/O port, 0 to 0xffff
 * @param ioSize how many ports, at least 1, ending inside the port space
 * @param irq the ISA interrupt, 0 to 15 (IOAPIC pin of the same number)
 */
public record IsaDevice(String name, String hardwareId, int uid, int ioBase, int ioSize, int irq) {

    /** Validates the fields. */
    public IsaDevice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hardwareId, "hardwareId");
        if (!name.matches("[A-Z_][A-Z0-9_]{3}")) {
            throw new IllegalArgumentException("ACPI name must be 4 characters [A-Z_][A-Z0-9_]{3}, got '" + name + "'");
        }
        if (!hardwareId.matches("[A-Z]{3}[0-9A-F]{4}")) {
            throw new IllegalArgumentException("EISA id must be 3 letters and 4 hex digits, got '" + hardwareId + "'");
        }
        if (uid < 0 || ioBase < 0 || ioSize < 1 || ioBase + ioSize > 0x10000 || irq < 0 || irq > 15) {
            throw new IllegalArgumentException("ISA device " + name + " out of range: uid " + uid + ", ports 0x"
                    + Integer.toHexString(ioBase) + "+" + ioSize + ", irq " + irq);
        }
    }
}
