package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    void fitsInItsReservedArea() {
        assertThat(t.length).isLessThan(Layout.ACPI_TABLES_MAX);
        assertThat(Layout.ACPI_TABLES + t.length).isLessThanOrEqualTo(Layout.HIGH_MEMORY);
    }
}
