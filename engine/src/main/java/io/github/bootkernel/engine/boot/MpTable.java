package io.github.bootkernel.engine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An Intel MultiProcessor Specification 1.4 table: the floating pointer and the configuration
 * table listing the CPUs, one ISA bus, the in-kernel IOAPIC and the routing of ISA interrupts
 * 0-15 to IOAPIC pins of the same number (KVM's default GSI routing), with LINT0 as ExtINT and
 * LINT1 as NMI.
 *
 * <p>Without it, Linux finds no interrupt configuration, runs the local APIC in "virtual wire
 * mode with no configuration" and never sets up its local APIC timer, a path real machines do not
 * take and that loses interrupts under some KVM implementations. Firecracker and kvmtool write
 * the same kind of table.
 */
public final class MpTable {


    private static final int FLOATING_SIZE = 16;
    private static final int HEADER_SIZE = 44;
    private static final int PROCESSOR_SIZE = 20;
    private static final int ENTRY_SIZE = 8;
    private static final int ISA_IRQS = 16;
    private static final int APIC_VERSION = 0x14;
    private static final int IOAPIC_VERSION = 0x11;
    private static final int CPU_ENABLED = 1;
    private static final int CPU_BOOTPROCESSOR = 2;
    private static final int CPU_SIGNATURE = 0x600;
    private static final int CPU_FEATURES = 0x201; // FPU | APIC
    private static final int ENTRY_PROCESSOR = 0;
    private static final int ENTRY_BUS = 1;
    private static final int ENTRY_IOAPIC = 2;
    private static final int ENTRY_IO_INTERRUPT = 3;
    private static final int ENTRY_LOCAL_INTERRUPT = 4;
    private static final int INT = 0;
    private static final int NMI = 1;
    private static final int EXTINT = 3;
    private static final int ISA_BUS = 0;

    private MpTable() {
    }

    /**
     * Builds the floating pointer followed by the configuration table.
     *
     * @param cpus number of vCPUs, 1 to 254 (the IOAPIC takes the next APIC id)
     * @return the bytes to write at {@link Layout#MP_TABLE}: 220 bytes plus 20 per CPU
     */
    public static byte[] build(int cpus) {
        if (cpus < 1 || cpus > 254) {
            throw new IllegalArgumentException("MP table supports 1 to 254 CPUs, got " + cpus);
        }
        int ioapicId = cpus;
        int entries = cpus + 1 + 1 + ISA_IRQS + 2;
        int tableLength = HEADER_SIZE + cpus * PROCESSOR_SIZE + (entries - cpus) * ENTRY_SIZE;
        ByteBuffer b = ByteBuffer.allocate(FLOATING_SIZE + tableLength).order(ByteOrder.LITTLE_ENDIAN);

        b.put("_MP_".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) (Layout.MP_TABLE + FLOATING_SIZE)); // physical address of the configuration table
        b.put((byte) 1);                           // length in 16-byte units
        b.put((byte) 4);                           // specification revision 1.4
        b.put((byte) 0);                           // checksum, below
        b.put(new byte[5]);                        // feature bytes: a table is present, no IMCR

        int table = b.position();
        b.put("PCMP".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) tableLength);
        b.put((byte) 4);
        b.put((byte) 0);                                                     // checksum, below
        b.put("BOOTKRNL".getBytes(StandardCharsets.US_ASCII));               // OEM id, 8 bytes
        b.put("BOOTKERNEL  ".getBytes(StandardCharsets.US_ASCII));           // product id, 12 bytes
        b.putInt(0);                                                         // OEM table pointer
        b.putShort((short) 0);                                               // OEM table size
        b.putShort((short) entries);
        b.putInt((int) Layout.LAPIC);
        b.putInt(0);                                                         // extended table: none

        for (int cpu = 0; cpu < cpus; cpu++) {
            b.put((byte) ENTRY_PROCESSOR).put((byte) cpu).put((byte) APIC_VERSION)
                    .put((byte) (CPU_ENABLED | (cpu == 0 ? CPU_BOOTPROCESSOR : 0)))
                    .putInt(CPU_SIGNATURE).putInt(CPU_FEATURES).putLong(0);
        }
        b.put((byte) ENTRY_BUS).put((byte) ISA_BUS).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) ENTRY_IOAPIC).put((byte) ioapicId).put((byte) IOAPIC_VERSION).put((byte) 1)
                .putInt((int) Layout.IOAPIC);
        for (int irq = 0; irq < ISA_IRQS; irq++) {
            b.put((byte) ENTRY_IO_INTERRUPT).put((byte) INT).putShort((short) 0).put((byte) ISA_BUS)
                    .put((byte) irq).put((byte) ioapicId).put((byte) irq);
        }
        b.put((byte) ENTRY_LOCAL_INTERRUPT).put((byte) EXTINT).putShort((short) 0).put((byte) ISA_BUS)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        b.put((byte) ENTRY_LOCAL_INTERRUPT).put((byte) NMI).putShort((short) 0).put((byte) ISA_BUS)
                .put((byte) 0).put((byte) 0xff).put((byte) 1);

        byte[] bytes = b.array();
        bytes[table + 7] = checksum(bytes, table, tableLength);
        bytes[10] = checksum(bytes, 0, FLOATING_SIZE);
        return bytes;
    }

    /** The byte that makes {@code data[offset, offset + length)} sum to zero modulo 256. */
    static byte checksum(byte[] data, int offset, int length) {
        int sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += data[i];
        }
        return (byte) -sum;
    }
}
