package io.github.bootkernel.engine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The ACPI tables of a hardware-reduced platform: RSDP, XSDT, FADT, a DSDT declaring the ISA devices and the
 * soft-off state S5, and a MADT with the CPUs' local APICs and the in-kernel IOAPIC. Distribution kernels (Debian's cloud kernel has
 * no {@code CONFIG_X86_MPPARSE}) learn about the IOAPIC only from the MADT; without it they fall
 * back to "virtual wire mode with no configuration", a path real machines never take. ISA
 * interrupts 0-15 map to IOAPIC pins of the same number, which is KVM's default GSI routing, so no
 * interrupt source overrides are needed. Firecracker describes its microVMs the same way.
 *
 * <p>Power-off goes through the hardware-reduced sleep registers (ACPI 6.5 sections 4.8.3.7 and
 * 7.4.2): the FADT names a sleep control register at {@link #SLEEP_CONTROL_PORT} and a sleep status
 * register at {@link #SLEEP_STATUS_PORT}, and the DSDT's {@code \_S5_} gives S5 the sleep type
 * {@link #S5_SLEEP_TYPE}. Linux then registers ACPI power-off ({@code acpi_sleep_state_supported()}
 * needs all three) and on {@code poweroff} writes {@code SLP_TYP << 2 | SLP_EN} to the control
 * register ({@code acpi_hw_extended_sleep()}), which the monitor sees as the machine powering off.
 * Cloud Hypervisor and Firecracker power off the same way.
 *
 * <p>All tables sit in the BIOS area from {@link #ADDRESS}, where kernels that scan for the RSDP
 * find it; the zero page also carries the RSDP address ({@code acpi_rsdp_addr}).
 */
public final class AcpiTables {

    /** The I/O port of the sleep control register (one byte); the platform places its model there. */
    public static final int SLEEP_CONTROL_PORT = 0x600;
    /** The I/O port of the sleep status register (one byte), right after the control register. */
    public static final int SLEEP_STATUS_PORT = SLEEP_CONTROL_PORT + 1;
    /** The sleep type the DSDT gives S5 (soft off): what the guest writes to SLP_TYP to power off. */
    public static final int S5_SLEEP_TYPE = 5;

    /** Where the RSDP is written; the other tables follow it. */
    private static final long ADDRESS = Layout.ACPI_TABLES;

    private static final int HEADER = 36;
    private static final int RSDP_SIZE = 36;
    private static final int FADT_SIZE = 276;
    private static final int FADT_REVISION = 6;
    private static final int FADT_MINOR_VERSION = 5;
    private static final int FADT_FLAGS = 112;
    private static final int FADT_IAPC_BOOT_ARCH = 109;
    private static final int FADT_MINOR = 131;
    private static final int FADT_X_DSDT = 140;
    private static final int FADT_SLEEP_CONTROL_REG = 244;
    private static final int FADT_SLEEP_STATUS_REG = 256;
    private static final int GAS_SYSTEM_IO = 1;
    private static final int GAS_ACCESS_BYTE = 1;
    private static final int FADT_HYPERVISOR_ID = 268;
    private static final int HW_REDUCED_ACPI = 1 << 20;
    private static final int BOOT_ARCH_VGA_NOT_PRESENT = 1 << 2;
    private static final int MADT_PCAT_COMPAT = 1;
    private static final byte[] OEM_ID = "BTKRNL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OEM_TABLE_ID = "BOOTKRNL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREATOR_ID = "BTKR".getBytes(StandardCharsets.US_ASCII);

    private AcpiTables() {
    }

    /**
     * Builds the tables for a machine.
     *
     * @param cpus number of vCPUs, APIC ids 0..cpus-1; the IOAPIC takes id {@code cpus}
     * @param devices the ISA devices the DSDT declares
     * @return the bytes to write at {@link #ADDRESS}; the RSDP comes first
     */
    public static byte[] build(int cpus, List<IsaDevice> devices) {
        if (cpus < 1 || cpus > 254) {
            throw new IllegalArgumentException("ACPI tables support 1 to 254 CPUs, got " + cpus);
        }
        byte[] dsdt = table("DSDT", 2, Aml.concat(sleepStates(), dsdtBody(devices)));
        byte[] madt = table("APIC", 5, madtBody(cpus));
        long dsdtAt = ADDRESS + align(RSDP_SIZE);
        long fadtAt = dsdtAt + align(dsdt.length);
        long madtAt = fadtAt + align(FADT_SIZE);
        long xsdtAt = madtAt + align(madt.length);
        byte[] fadt = table("FACP", FADT_REVISION, fadtBody(dsdtAt));
        ByteBuffer xsdtBody = le(16).putLong(fadtAt).putLong(madtAt);
        byte[] xsdt = table("XSDT", 1, xsdtBody.array());

        ByteBuffer out = le((int) (xsdtAt - ADDRESS) + xsdt.length);
        out.put(0, rsdp(xsdtAt));
        out.put((int) (dsdtAt - ADDRESS), dsdt);
        out.put((int) (fadtAt - ADDRESS), fadt);
        out.put((int) (madtAt - ADDRESS), madt);
        out.put((int) (xsdtAt - ADDRESS), xsdt);
        return out.array();
    }

    /**
     * The devices a hardware-reduced platform must declare for Linux to give them interrupts:
     * without the PC/AT legacy PIC, ISA IRQ numbers mean nothing until a device's {@code _CRS}
     * names its interrupt.
     */
    static byte[] dsdtBody(List<IsaDevice> devices) {
        byte[][] declared = devices.stream().map(d -> Aml.device(d.name(),
                Aml.name("_HID", Aml.eisaId(d.hardwareId())),
                Aml.name("_UID", Aml.integer(d.uid())),
                Aml.name("_CRS", Aml.resourceTemplate(Aml.io(d.ioBase(), d.ioSize()), Aml.irq(d.irq())))))
                .toArray(byte[][]::new);
        return Aml.scope("_SB_", declared);
    }

    /**
     * {@code Name(\_S5_, Package() { S5_SLEEP_TYPE, 0 })}: the sleep type to write for soft off
     * (the second value is unused on a hardware-reduced platform). The DSDT's top level is the root
     * scope, where ACPICA looks for {@code \_S5_}.
     */
    static byte[] sleepStates() {
        return Aml.name("_S5_", Aml.pkg(Aml.integer(S5_SLEEP_TYPE), Aml.integer(0)));
    }

    private static byte[] rsdp(long xsdt) {
        ByteBuffer b = le(RSDP_SIZE);
        b.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 0);          // checksum over the first 20 bytes, below
        b.put(OEM_ID);
        b.put((byte) 2);          // revision: ACPI 2.0+, XSDT present
        b.putInt(0);              // no RSDT
        b.putInt(RSDP_SIZE);
        b.putLong(xsdt);
        byte[] bytes = b.array(); // extended checksum and 3 reserved bytes follow
        bytes[8] = MpTable.checksum(bytes, 0, 20);
        bytes[32] = MpTable.checksum(bytes, 0, RSDP_SIZE);
        return bytes;
    }

    private static byte[] fadtBody(long dsdt) {
        ByteBuffer b = le(FADT_SIZE - HEADER);
        b.putInt(40 - HEADER, (int) dsdt);
        b.putShort(FADT_IAPC_BOOT_ARCH - HEADER, (short) BOOT_ARCH_VGA_NOT_PRESENT);
        b.putInt(FADT_FLAGS - HEADER, HW_REDUCED_ACPI);
        b.put(FADT_MINOR - HEADER, (byte) FADT_MINOR_VERSION);
        b.putLong(FADT_X_DSDT - HEADER, dsdt);
        b.put(FADT_SLEEP_CONTROL_REG - HEADER, byteIoRegister(SLEEP_CONTROL_PORT));
        b.put(FADT_SLEEP_STATUS_REG - HEADER, byteIoRegister(SLEEP_STATUS_PORT));
        b.put(FADT_HYPERVISOR_ID - HEADER, "BTKRNL".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** A Generic Address Structure (ACPI 6.5 section 5.2.3.2) for one byte at an I/O port. */
    private static byte[] byteIoRegister(int port) {
        return le(12).put((byte) GAS_SYSTEM_IO).put((byte) 8).put((byte) 0).put((byte) GAS_ACCESS_BYTE)
                .putLong(port).array();
    }

    private static byte[] madtBody(int cpus) {
        ByteBuffer b = le(8 + cpus * 8 + 12 + 6);
        b.putInt((int) Layout.LAPIC);
        b.putInt(MADT_PCAT_COMPAT);
        for (int cpu = 0; cpu < cpus; cpu++) {
            // Processor Local APIC: type 0, length 8, ACPI processor UID, APIC id, flags (enabled)
            b.put((byte) 0).put((byte) 8).put((byte) cpu).put((byte) cpu).putInt(1);
        }
        // I/O APIC: type 1, length 12, id, reserved, address, global system interrupt base
        b.put((byte) 1).put((byte) 12).put((byte) cpus).put((byte) 0).putInt((int) Layout.IOAPIC).putInt(0);
        // Local APIC NMI: type 4, length 6, all processors, flags conform to the bus, LINT1
        b.put((byte) 4).put((byte) 6).put((byte) 0xff).putShort((short) 0).put((byte) 1);
        return b.array();
    }

    private static byte[] table(String signature, int revision, byte[] body) {
        ByteBuffer b = le(HEADER + body.length);
        b.put(signature.getBytes(StandardCharsets.US_ASCII));
        b.putInt(HEADER + body.length);
        b.put((byte) revision);
        b.put((byte) 0); // checksum, below
        b.put(OEM_ID);
        b.put(OEM_TABLE_ID);
        b.putInt(1);     // OEM revision
        b.put(CREATOR_ID);
        b.putInt(1);     // creator revision
        b.put(body);
        byte[] bytes = b.array();
        bytes[9] = MpTable.checksum(bytes, 0, bytes.length);
        return bytes;
    }

    private static int align(int n) {
        return (n + 15) & ~15;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
