package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcpiTablesTest {

    static final List<IsaDevice> COM1 = List.of(new IsaDevice("COM1", "PNP0501", 0, 0x3f8, 8, 4));

    private final byte[] t = AcpiTables.build(1, COM1);
    private final ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);

    private static int sum(byte[] data, int from, int len) {
        int s = 0;
        for (int i = from; i < from + len; i++) {
            s += data[i] & 0xff;
        }
        return s & 0xff;
    }

    private String sig(int offset, int len) {
        return new String(t, offset, len, StandardCharsets.US_ASCII);
    }

    private int at(long address) {
        return (int) (address - Layout.ACPI_TABLES);
    }

    /** Checks a table's signature, its length field against the buffer and its checksum. */
    private int table(long address, String signature) {
        int o = at(address);
        assertThat(sig(o, 4)).isEqualTo(signature);
        int length = b.getInt(o + 4);
        assertThat(o + length).isLessThanOrEqualTo(t.length);
        assertThat(sum(t, o, length)).as(signature + " checksum").isZero();
        return o;
    }

    @Test
    void rsdpIsValidAndPointsAtTheXsdt() {
        assertThat(sig(0, 8)).isEqualTo("RSD PTR ");
        assertThat(t[15]).as("revision").isEqualTo((byte) 2);
        assertThat(sum(t, 0, 20)).isZero();
        assertThat(b.getInt(20)).isEqualTo(36);
        assertThat(sum(t, 0, 36)).isZero();
        table(b.getLong(24), "XSDT");
    }

    @Test
    void xsdtListsFadtAndMadt() {
        int xsdt = table(b.getLong(24), "XSDT");
        assertThat(b.getInt(xsdt + 4)).isEqualTo(36 + 16);
        int fadt = table(b.getLong(xsdt + 36), "FACP");
        int madt = table(b.getLong(xsdt + 44), "APIC");
        assertThat(b.getInt(fadt + 4)).isEqualTo(276);
        assertThat(b.getInt(fadt + 112) & (1 << 20)).as("HW_REDUCED_ACPI").isNotZero();
        long dsdt = b.getLong(fadt + 140);
        assertThat(Integer.toUnsignedLong(b.getInt(fadt + 40))).isEqualTo(dsdt);
        table(dsdt, "DSDT");
        assertThat(b.getInt(madt + 36)).isEqualTo((int) Layout.LAPIC);
    }

    @Test
    void madtDescribesTheCpuAndTheIoapic() {
        int xsdt = at(b.getLong(24));
        int madt = at(b.getLong(xsdt + 44));
        int end = madt + b.getInt(madt + 4);
        int o = madt + 44;
        // local APIC: type 0, length 8, UID 0, APIC id 0, enabled
        assertThat(t[o]).isEqualTo((byte) 0);
        assertThat(t[o + 1]).isEqualTo((byte) 8);
        assertThat(b.getInt(o + 4)).isEqualTo(1);
        o += 8;
        // IOAPIC: type 1, length 12, id 1, at 0xfec00000, GSI base 0
        assertThat(t[o]).isEqualTo((byte) 1);
        assertThat(t[o + 2]).isEqualTo((byte) 1);
        assertThat(b.getInt(o + 4)).isEqualTo((int) Layout.IOAPIC);
        assertThat(b.getInt(o + 8)).isZero();
        o += 12;
        // local APIC NMI on LINT1
        assertThat(t[o]).isEqualTo((byte) 4);
        assertThat(t[o + 5]).isEqualTo((byte) 1);
        assertThat(o + 6).isEqualTo(end);
    }

    @Test
    void fadtNamesTheSleepRegistersAsByteIoPorts() {
        int xsdt = at(b.getLong(24));
        int fadt = at(b.getLong(xsdt + 36));
        // SLEEP_CONTROL_REG at 244, SLEEP_STATUS_REG at 256: Generic Address Structures, System I/O
        // (1), 8 bits wide at bit 0, byte access (1), then the port.
        assertThat(new byte[] {t[fadt + 244], t[fadt + 245], t[fadt + 246], t[fadt + 247]})
                .containsExactly(1, 8, 0, 1);
        assertThat(b.getLong(fadt + 248)).isEqualTo(AcpiTables.SLEEP_CONTROL_PORT);
        assertThat(new byte[] {t[fadt + 256], t[fadt + 257], t[fadt + 258], t[fadt + 259]})
                .containsExactly(1, 8, 0, 1);
        assertThat(b.getLong(fadt + 260)).isEqualTo(AcpiTables.SLEEP_STATUS_PORT);
        assertThat(sig(fadt + 268, 6)).as("the hypervisor id follows").isEqualTo("BTKRNL");
    }

    @Test
    void dsdtGivesS5ItsSleepTypeAtTheRootThenDeclaresTheDevices() {
        int xsdt = at(b.getLong(24));
        int fadt = at(b.getLong(xsdt + 36));
        int dsdt = table(b.getLong(fadt + 140), "DSDT");
        // Name(_S5_, Package(2) { 5, Zero }): NameOp, "_S5_", PackageOp, PkgLength 5, two elements.
        byte[] s5 = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05, 0x00};
        byte[] body = java.util.Arrays.copyOfRange(t, dsdt + 36, dsdt + b.getInt(dsdt + 4));
        assertThat(java.util.Arrays.copyOf(body, s5.length)).containsExactly(s5);
        assertThat(java.util.Arrays.copyOfRange(body, s5.length, body.length))
                .containsExactly(AcpiTables.dsdtBody(COM1));
        assertThat(AcpiTables.S5_SLEEP_TYPE).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0} CPUs")
    @ValueSource(ints = {1, 2, 4, 64})
    void madtListsEveryCpuEnabledAndTheIoapicAfterThem(int cpus) {
        byte[] tables = AcpiTables.build(cpus, COM1);
        ByteBuffer bb = ByteBuffer.wrap(tables).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(sum(tables, 0, 20)).as("RSDP checksum").isZero();
        assertThat(sum(tables, 0, 36)).as("RSDP extended checksum").isZero();
        int xsdt = at(bb.getLong(24));
        assertThat(sum(tables, xsdt, bb.getInt(xsdt + 4))).as("XSDT checksum").isZero();
        int fadt = at(bb.getLong(xsdt + 36));
        assertThat(sum(tables, fadt, bb.getInt(fadt + 4))).as("FADT checksum").isZero();
        int dsdt = at(bb.getLong(fadt + 140));
        assertThat(sum(tables, dsdt, bb.getInt(dsdt + 4))).as("DSDT checksum").isZero();
        int madt = at(bb.getLong(xsdt + 44));
        assertThat(new String(tables, madt, 4, StandardCharsets.US_ASCII)).isEqualTo("APIC");
        int length = bb.getInt(madt + 4);
        assertThat(madt + length).isLessThanOrEqualTo(tables.length);
        assertThat(sum(tables, madt, length)).as("MADT checksum").isZero();
        assertThat(length).isEqualTo(44 + 8 * cpus + 12 + 6);

        int o = madt + 44;
        for (int cpu = 0; cpu < cpus; cpu++, o += 8) {
            // Processor Local APIC (ACPI 6.5 section 5.2.12.2): the MADT has no boot processor flag,
            // the BSP is the CPU that runs the firmware, vCPU 0.
            assertThat(tables[o]).as("CPU %d: type local APIC", cpu).isZero();
            assertThat(tables[o + 1]).as("CPU %d: length", cpu).isEqualTo((byte) 8);
            assertThat(tables[o + 2] & 0xff).as("CPU %d: processor UID", cpu).isEqualTo(cpu);
            assertThat(tables[o + 3] & 0xff).as("CPU %d: APIC id", cpu).isEqualTo(cpu);
            assertThat(bb.getInt(o + 4)).as("CPU %d: flags = enabled", cpu).isEqualTo(1);
        }
        assertThat(tables[o]).as("then the IOAPIC").isEqualTo((byte) 1);
        assertThat(tables[o + 2] & 0xff).as("IOAPIC id: after the CPUs' APIC ids").isEqualTo(cpus);
        assertThat(bb.getInt(o + 4)).isEqualTo((int) Layout.IOAPIC);
        o += 12;
        assertThat(tables[o]).as("and the LINT1 NMI for all processors").isEqualTo((byte) 4);
        assertThat(tables[o + 2]).isEqualTo((byte) 0xff);
        assertThat(o + 6).isEqualTo(madt + length);

        assertThat(tables.length).as("within the reserved area").isLessThanOrEqualTo(Layout.ACPI_TABLES_MAX);
    }

    @Test
    void fitsInItsReservedArea() {
        assertThat(t.length).isLessThan(Layout.ACPI_TABLES_MAX);
        assertThat(Layout.ACPI_TABLES + t.length).isLessThanOrEqualTo(Layout.HIGH_MEMORY);
    }
}
